// Lesson "fifo-open-thread": a blocking FIFO open sleeps in the thread that calls it, so a
// program with an event loop does it on a worker thread and hands the fd back to the loop.
#include "blockingfifoopen.h"
#include "builtinlessons.h"
#include "fifowriteropener.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "pipeopeners.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QTimer>
#include <QVariantMap>

#include <fcntl.h>
#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int WaitMs = 1500;
constexpr int WindowMs = 300;
constexpr int TickMs = 10;
constexpr int TickBytes = 4096;
const QByteArray Greeting = QByteArrayLiteral("hello from the writer\n");

struct State {
    QString path;
    std::unique_ptr<BlockingFifoOpen> open;
    bool returned = false;
    int openError = 0;
    qint64 openMicros = -1;
    bool inOwnThread = false;
    std::unique_ptr<FifoWriterOpener> opener;
    std::unique_ptr<WritePipeTransport> writer;
    std::unique_ptr<ReadPipeTransport> reader;
    QByteArray received;
    bool eof = false;
};

/// What the event loop did for the second pipe while the worker slept.
struct Served {
    int ticks = 0;
    qint64 written = 0;
    qint64 read = 0;
    qint64 worstGapMs = 0;
    QElapsedTimer sinceTick;
    ProcessActivity worker;
};

/// The second pipe: a 10 ms timer writes a page into it, a notifier reads it back.
void serveSecondPipe(LessonContext &context, const std::shared_ptr<Served> &served,
                     QTimer **timer, QSocketNotifier **notifier, Error *error)
{
    const auto pipe = context.makePipe(error, O_NONBLOCK);
    if (!pipe)
        return;
    const QByteArray page(TickBytes, 'p');
    *timer = new QTimer(&context);
    (*timer)->setTimerType(Qt::PreciseTimer);
    QObject::connect(*timer, &QTimer::timeout, *timer, [served, page, fd = pipe->write] {
        if (served->ticks++ > 0)
            served->worstGapMs = qMax(served->worstGapMs, served->sinceTick.elapsed());
        served->sinceTick.start();
        served->written += qMax<ssize_t>(0, Sys::write(fd, page.constData(), size_t(page.size())));
    });
    *notifier = new QSocketNotifier(pipe->read, QSocketNotifier::Read, &context);
    QObject::connect(*notifier, &QSocketNotifier::activated, *notifier,
                     [served, fd = pipe->read] { served->read += T::drain(fd); });
    (*timer)->start(TickMs);
}

void startWorker(State &state)
{
    state.open = std::make_unique<BlockingFifoOpen>();
    QObject::connect(state.open.get(), &BlockingFifoOpen::opened, state.open.get(),
                     [&state](int, int error, qint64 micros, bool inOwnThread) {
                         state.returned = true;
                         state.openError = error;
                         state.openMicros = micros;
                         state.inOwnThread = inOwnThread;
                     });
    state.open->start(state.path, O_RDONLY);
}

Observation loopKeptServing(const LessonContext &context, const State &state, const Served &s)
{
    const qint64 self = QCoreApplication::applicationPid();
    const QString explorer = context.fifoOpenerText(self, state.path);
    const int expectedTicks = WindowMs / TickMs;
    Observation o = Observation::check(
        s.worker.isWaitingForPartner() && !state.returned && !explorer.isEmpty()
            && s.ticks * 2 >= expectedTicks && s.read == s.written && s.read > 0,
        QStringLiteral("worker thread %1: %2; the explorer: %3; meanwhile the event loop ran "
                       "%4 ticks in %5 ms (longest gap %6 ms) and moved %7 through the second "
                       "pipe")
            .arg(state.open->threadId())
            .arg(s.worker.text(), explorer.isEmpty() ? QStringLiteral("does not see it") : explorer)
            .arg(s.ticks)
            .arg(WindowMs)
            .arg(s.worstGapMs)
            .arg(T::bytes(s.read)));
    o.prediction = QStringLiteral("the worker asleep in wait_for_partner; about %1 ticks, each "
                                  "page written and read back")
                       .arg(expectedTicks);
    o.why = QStringLiteral("open() of a FIFO without O_NONBLOCK sleeps until the other end "
                           "opens, and the sleep is the calling thread's. On the GUI thread it "
                           "would freeze the window and every transport with it; on a worker "
                           "thread only the worker waits. The explorer reads /proc/PID/task/TID "
                           "and names the waiting thread.");
    o.values = {{QStringLiteral("workerTid"), qint64(state.open->threadId())},
                {QStringLiteral("workerState"), QString(QChar::fromLatin1(s.worker.state))},
                {QStringLiteral("workerWchan"), s.worker.wchan},
                {QStringLiteral("explorer"), explorer},
                {QStringLiteral("ticks"), s.ticks},
                {QStringLiteral("servedBytes"), s.read},
                {QStringLiteral("worstGapMs"), s.worstGapMs}};
    return o;
}

void openOnWorker(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    state.path = context.tempDir() + QStringLiteral("/thread.fifo");
    if (context.tempDir().isEmpty() || !Openers::makeFifo(state.path, &error))
        return done(Observation::failure(error ? error.message() : QStringLiteral("no temp dir")));
    context.noteFifo(state.path);
    startWorker(state);
    auto served = std::make_shared<Served>();
    QTimer *timer = nullptr;
    QSocketNotifier *notifier = nullptr;
    serveSecondPipe(context, served, &timer, &notifier, &error);
    if (!timer)
        return done(Observation::failure(error.message()));
    const auto asleep = [&state, served] {
        const pid_t tid = state.open->threadId();
        served->worker = tid ? ProcessActivity::of(tid) : ProcessActivity();
        return served->worker.isWaitingForPartner();
    };
    context.when(asleep, WaitMs, [&context, &state, served, timer, notifier, done](bool) {
               context.after(WindowMs, [&context, &state, served, timer, notifier, done] {
                   delete timer;
                   served->read += T::drain(int(notifier->socket()));
                   delete notifier;
                   served->worker = ProcessActivity::of(state.open->threadId());
                   done(loopKeptServing(context, state, *served));
               });
           }).recheckEvery(LessonContext::ProcPollMs);
}

Observation handedOver(const State &state)
{
    Observation o = Observation::check(
        state.returned && state.openError == 0 && state.inOwnThread && state.eof
            && state.received == Greeting,
        state.returned
            ? QStringLiteral("the worker's open() returned after %1 ms, its fd reached the "
                             "event loop's thread (%2); read \"%3\"%4")
                  .arg(state.openMicros / 1000)
                  .arg(state.inOwnThread ? QStringLiteral("yes") : QStringLiteral("NO"))
                  .arg(QString::fromLocal8Bit(state.received).trimmed())
                  .arg(state.eof ? QStringLiteral(", then EOF") : QString())
            : QStringLiteral("the worker's open() did not return within %1 ms").arg(WaitMs));
    o.why = QStringLiteral("Our non-blocking write open found the worker waiting as a reader, "
                           "so both opens completed. The worker does not touch the transports: "
                           "it hands the fd to the thread that owns them and wakes that "
                           "thread's event loop (here with an eventfd the loop watches; in "
                           "most Qt code QMetaObject::invokeMethod with Qt::QueuedConnection "
                           "does the same job).");
    o.values = {{QStringLiteral("openMs"), state.openMicros / 1000},
                {QStringLiteral("openErrno"), T::errnoName(state.openError)},
                {QStringLiteral("inOwnThread"), state.inOwnThread},
                {QStringLiteral("received"), QString::fromLocal8Bit(state.received)}};
    return o;
}

void readHandedFd(LessonContext &context, State &state, const StepDone &done)
{
    state.reader = std::make_unique<ReadPipeTransport>();
    ReadPipeTransport *reader = state.reader.get();
    QObject::connect(reader, &ReadPipeTransport::dataReceived, reader,
                     [&state](const QByteArray &data) { state.received += data; });
    QObject::connect(reader, &ReadPipeTransport::eofReceived, reader, [&state] { state.eof = true; });
    const int fd = state.open->takeFd();
    if (fd < 0 || !reader->open(fd)) {
        Sys::close(fd);
        return done(handedOver(state));
    }
    context.when([&state] { return state.eof; }, WaitMs, [&state, done](bool) {
               done(handedOver(state));
           }).recheckOn(reader, &ReadPipeTransport::eofReceived);
}

void writerReleasesIt(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.open)
        return done(Observation::failure(QStringLiteral("the previous step did not run")));
    state.opener = std::make_unique<FifoWriterOpener>();
    state.writer = std::make_unique<WritePipeTransport>();
    Error error;
    if (!T::writeWhenFifoOpens(state.path, Greeting, *state.opener, *state.writer, &error))
        return done(Observation::failure(error.message()));
    context.when([&state] { return state.returned; }, WaitMs, [&context, &state, done](bool) {
               readHandedFd(context, state, done);
           }).recheckOn(state.open.get(), &BlockingFifoOpen::opened);
}

} // namespace

Lesson fifoOpenThread()
{
    Lesson lesson;
    lesson.id = QStringLiteral("fifo-open-thread");
    lesson.title = QStringLiteral("A FIFO open blocks its thread");
    lesson.summary = QStringLiteral("A blocking FIFO open goes to a worker thread while the event "
                                    "loop keeps serving another pipe; the fd is handed back to "
                                    "the loop's thread.");
    lesson.steps = {
        {QStringLiteral("The open waits on a worker thread"),
         QStringLiteral("A worker thread opens a FIFO for reading without O_NONBLOCK; nobody "
                        "writes to it yet. Meanwhile the event loop keeps a 10 ms timer writing "
                        "a page into a second pipe and a notifier reading it back."),
         QStringLiteral("the worker thread sleeps in open() (wait_for_partner) and the explorer "
                        "lists this process's thread as opening the FIFO; the event loop keeps "
                        "ticking and every page comes back"),
         openOnWorker},
        {QStringLiteral("A writer arrives; the fd crosses to the event loop's thread"),
         QStringLiteral("We open the write side (FifoWriterOpener) and send a line. The worker's "
                        "open() returns; it hands the fd to the event loop's thread, where a "
                        "ReadPipeTransport reads it."),
         QStringLiteral("the worker's open returns, the fd arrives in the event loop's thread, "
                        "and the line is read, then EOF"),
         writerReleasesIt},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
