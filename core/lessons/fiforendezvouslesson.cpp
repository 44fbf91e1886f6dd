// Lesson "fifo-rendezvous": opening a FIFO waits for the other end (fifo(7)).
#include "builtinlessons.h"
#include "childprocess.h"
#include "fifowriteropener.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "pipeopeners.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QVariantMap>

#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int WaitMs = 1500;
const QByteArray Greeting = QByteArrayLiteral("hello through the FIFO\n");

struct State {
    QString path;
    ChildProcess *cat = nullptr;
    std::unique_ptr<FifoWriterOpener> opener;
    std::unique_ptr<WritePipeTransport> writer;
    std::unique_ptr<ReadPipeTransport> catOutput;
    QByteArray echoed;
    bool eof = false;
};

/// The lesson's FIFO, made on first use.
QString fifoPath(LessonContext &context, Error *error)
{
    State &state = context.state<State>();
    if (!state.path.isEmpty())
        return state.path;
    const QString dir = context.tempDir();
    if (dir.isEmpty()) {
        *error = Error(QStringLiteral("cannot create a temporary directory"));
        return {};
    }
    const QString path = dir + QStringLiteral("/lesson.fifo");
    if (!Openers::makeFifo(path, error))
        return {};
    state.path = path;
    return path;
}

struct TimedOpen {
    int fd = -1;
    int error = 0;
    qint64 micros = 0;
};

TimedOpen timedOpen(const QString &path, int flags)
{
    QElapsedTimer clock;
    clock.start();
    TimedOpen result;
    result.fd = Sys::open(QFile::encodeName(path).constData(), flags);
    result.error = result.fd < 0 ? errno : 0;
    result.micros = clock.nsecsElapsed() / 1000;
    Sys::close(result.fd);
    return result;
}

QString openText(const TimedOpen &open)
{
    return open.fd >= 0
        ? QStringLiteral("opened in %1 µs").arg(open.micros)
        : QStringLiteral("%1 in %2 µs").arg(T::errnoName(open.error)).arg(open.micros);
}

Observation readerOpensAtOnce(LessonContext &context)
{
    Error error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error.message());
    const TimedOpen open = timedOpen(path, O_RDONLY | O_NONBLOCK);
    Observation o = Observation::check(
        open.fd >= 0, QStringLiteral("open(O_RDONLY|O_NONBLOCK): %1").arg(openText(open)));
    o.why = QStringLiteral("A non-blocking reader does not wait for a writer. Until one comes, "
                           "read() returns 0 — which looks like EOF but is not.");
    o.values = {{QStringLiteral("opened"), open.fd >= 0}, {QStringLiteral("micros"), open.micros}};
    return o;
}

Observation writerGetsEnxio(LessonContext &context)
{
    Error error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error.message());
    const TimedOpen open = timedOpen(path, O_WRONLY | O_NONBLOCK);
    Observation o
        = Observation::check(open.fd < 0 && open.error == ENXIO,
                             QStringLiteral("open(O_WRONLY|O_NONBLOCK): %1").arg(openText(open)));
    o.why = QStringLiteral("Bytes written now could never be read, so the kernel refuses the "
                           "open with ENXIO rather than let the writer start. FifoWriterOpener "
                           "retries from the event loop until a reader appears.");
    o.values = {{QStringLiteral("errno"), T::errnoName(open.error)}};
    return o;
}

Observation readWriteNeverBlocks(LessonContext &context)
{
    Error error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error.message());
    QElapsedTimer clock;
    clock.start();
    const int both = Sys::open(QFile::encodeName(path).constData(), O_RDWR);
    const qint64 micros = clock.nsecsElapsed() / 1000;
    const int bothErrno = both < 0 ? errno : 0;
    // While we hold it, we are a reader: a non-blocking writer may open now.
    const TimedOpen writer = timedOpen(path, O_WRONLY | O_NONBLOCK);
    Sys::close(both);
    Observation o = Observation::check(
        both >= 0 && writer.fd >= 0,
        QStringLiteral("open(O_RDWR) without O_NONBLOCK: %1 in %2 µs; meanwhile "
                       "open(O_WRONLY|O_NONBLOCK): %3")
            .arg(both >= 0 ? QStringLiteral("opened") : T::errnoName(bothErrno))
            .arg(micros)
            .arg(openText(writer)));
    o.why = QStringLiteral("An O_RDWR open counts as both a reader and a writer, so it never "
                           "waits for a partner (Linux behaviour; POSIX leaves it undefined). "
                           "Programs use it to keep a FIFO open across writers.");
    o.values = {{QStringLiteral("opened"), both >= 0},
                {QStringLiteral("micros"), micros},
                {QStringLiteral("writerOpened"), writer.fd >= 0}};
    return o;
}

/// when() \a pid sleeps in open() waiting for the FIFO's other end; *\a activity is what
/// it did when last looked at.
LessonWait &whenWaitingForPartner(LessonContext &context, pid_t pid,
                                  const std::shared_ptr<ProcessActivity> &activity,
                                  LessonWait::Next next)
{
    return context
        .when(
            [pid, activity] {
                *activity = ProcessActivity::of(pid);
                return activity->isWaitingForPartner();
            },
            WaitMs, std::move(next))
        .recheckEvery(LessonContext::ProcPollMs);
}

Observation catSleepsInOpen(const LessonContext &context, const State &state,
                            const ProcessActivity &activity)
{
    const QString path = state.path;
    const QString explorer = context.fifoOpenerText(state.cat->pid(), path);
    Observation o = Observation::check(
        activity.state == 'S' && activity.isWaitingForPartner() && !explorer.isEmpty(),
        QStringLiteral("cat (pid %1): %2; the explorer: %3")
                .arg(state.cat->pid())
                .arg(activity.text(), explorer.isEmpty() ? QStringLiteral("does not see it") : explorer));
    o.why = QStringLiteral("`cat FIFO` opens it for reading without O_NONBLOCK: the kernel puts "
                           "it to sleep in wait_for_partner until a writer opens the FIFO. It holds "
                           "no fd of the FIFO yet; the explorer finds the path in its open() call "
                           "(/proc/PID/syscall and /proc/PID/mem) and only stat()s it, since "
                           "opening it would be the very writer cat waits for.");
    o.values = {{QStringLiteral("state"), QString(QChar::fromLatin1(activity.state))},
                {QStringLiteral("wchan"), activity.wchan},
                {QStringLiteral("pid"), qint64(state.cat->pid())},
                {QStringLiteral("explorer"), explorer}};
    return o;
}

void blockingOpenWaits(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return done(Observation::failure(error.message()));
    state.cat = context.startChild(QStringLiteral("cat"), {path}, &error);
    if (!state.cat)
        return done(Observation::failure(error.message()));
    auto activity = std::make_shared<ProcessActivity>();
    whenWaitingForPartner(context, state.cat->pid(), activity,
                          [&context, &state, activity, done](bool) {
                              done(catSleepsInOpen(context, state, *activity));
                          });
}

Observation catEchoed(const State &state)
{
    Observation o = Observation::check(
        state.echoed == Greeting && state.eof && state.cat->exitCode() == 0,
        QStringLiteral("cat echoed \"%1\" and %2")
            .arg(QString::fromLocal8Bit(state.echoed).trimmed(), state.cat->statusText()));
    o.why = QStringLiteral("Our non-blocking write open succeeded at once because cat, asleep in "
                           "open(), already counts as a reader; both opens completed together "
                           "and the bytes flowed.");
    o.values = {{QStringLiteral("echoed"), QString::fromLocal8Bit(state.echoed)},
                {QStringLiteral("exitCode"), state.cat->exitCode()}};
    return o;
}

void writerArrives(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.cat)
        return done(Observation::failure(QStringLiteral("the previous step did not run")));
    state.catOutput = std::make_unique<ReadPipeTransport>();
    ReadPipeTransport *output = state.catOutput.get();
    QObject::connect(output, &ReadPipeTransport::dataReceived, output,
                     [&state](const QByteArray &data) { state.echoed += data; });
    QObject::connect(output, &ReadPipeTransport::eofReceived, output,
                     [&state] { state.eof = true; });
    if (!output->open(state.cat->takeStdoutFd()))
        return done(Observation::failure(output->errorString()));
    state.opener = std::make_unique<FifoWriterOpener>();
    state.writer = std::make_unique<WritePipeTransport>();
    Error error;
    if (!T::writeWhenFifoOpens(state.path, Greeting, *state.opener, *state.writer, &error))
        return done(Observation::failure(error.message()));
    const auto finished = [&state] {
        return state.eof && state.cat->state() == ChildProcess::State::Exited;
    };
    context.when(finished, WaitMs, [&state, done](bool) { done(catEchoed(state)); })
        .recheckOn(output, &ReadPipeTransport::eofReceived)
        .recheckOn(state.cat, &ChildProcess::finished);
}

/// The reverse rendezvous: a shell's `>` waits for our reader.
struct Reverse {
    LessonProcess *writer = nullptr;
    ProcessActivity activity; ///< while it waited
    int fd = -1; ///< our read end
    QByteArray got;
    bool eof = false;
};

Observation shellReleased(const Reverse &r)
{
    Observation o = Observation::check(
        r.activity.isWaitingForPartner() && r.got == "hi\n",
        QStringLiteral("sh (pid %1) was in %2; after our reader "
                       "opened: read \"%3\", %4")
            .arg(r.writer->pid())
            .arg(r.activity.text(), QString::fromLocal8Bit(r.got).trimmed(),
                 r.writer->statusText()));
    o.why = QStringLiteral("The same rendezvous the other way round: the shell's `>` opens the "
                           "FIFO for writing and sleeps until a reader arrives.");
    o.values = {{QStringLiteral("wchan"), r.activity.wchan},
                {QStringLiteral("read"), QString::fromLocal8Bit(r.got)}};
    return o;
}

/// Opens our reader, reads "hi" and EOF, waits for the shell to exit.
void openReaderAndRead(LessonContext &context, const std::shared_ptr<Reverse> &r,
                       const QString &path, const StepDone &done)
{
    Error error;
    r->fd = context.adoptFd(Openers::openFifoReader(path, &error));
    if (r->fd < 0)
        return done(Observation::failure(error.message()));
    const auto readAll = [r] {
        T::drain(r->fd, &r->got, &r->eof);
        return r->eof && !r->got.isEmpty();
    };
    context.when(readAll, WaitMs, [&context, r, done](bool) {
               context.whenExited(r->writer, WaitMs, [r, done](bool) { done(shellReleased(*r)); });
           }).recheckWhenReadable(r->fd);
}

void blockedWriterReleased(LessonContext &context, const StepDone &done)
{
    Error error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return done(Observation::failure(error.message()));
    LessonProcess::Spec spec;
    spec.program = QStringLiteral("sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("echo hi > \"$0\""), path};
    auto r = std::make_shared<Reverse>();
    r->writer = context.spawn(spec, &error);
    if (!r->writer)
        return done(Observation::failure(error.message()));
    auto activity = std::make_shared<ProcessActivity>();
    whenWaitingForPartner(context, r->writer->pid(), activity,
                          [&context, r, activity, path, done](bool) {
                              r->activity = *activity;
                              openReaderAndRead(context, r, path, done);
                          });
}

} // namespace

Lesson fifoRendezvous()
{
    Lesson lesson;
    lesson.id = QStringLiteral("fifo-rendezvous");
    lesson.title = QStringLiteral("FIFO rendezvous");
    lesson.summary = QStringLiteral("Opening a FIFO waits for the other end; O_NONBLOCK readers "
                                    "open at once, writers get ENXIO; O_RDWR never blocks.");
    lesson.steps = {
        {QStringLiteral("A non-blocking reader opens at once"),
         QStringLiteral("A FIFO (named pipe, mkfifo) is a pipe with a name in the file system. "
                        "Opening it is a rendezvous: each side normally waits for the other. "
                        "With O_NONBLOCK, a reader does not wait."),
         QStringLiteral("open(O_RDONLY|O_NONBLOCK) succeeds immediately"), readerOpensAtOnce},
        {QStringLiteral("A non-blocking writer without reader: ENXIO"),
         QStringLiteral("Nobody has the FIFO open for reading. A non-blocking writer cannot wait "
                        "for one."),
         QStringLiteral("open(O_WRONLY|O_NONBLOCK) fails with ENXIO"), writerGetsEnxio},
        {QStringLiteral("O_RDWR never blocks"),
         QStringLiteral("Opening a FIFO for reading and writing at once, even in blocking mode."),
         QStringLiteral("open(O_RDWR) returns at once; while it is held, a non-blocking writer "
                        "can open"),
         readWriteNeverBlocks},
        {QStringLiteral("A blocking open waits for the other end"),
         QStringLiteral("We start `cat FIFO`. Its open() has no O_NONBLOCK and there is no "
                        "writer."),
         QStringLiteral("cat sleeps in open(): state S, wchan wait_for_partner; the explorer "
                        "lists it as opening the FIFO for reading"),
         blockingOpenWaits},
        {QStringLiteral("The writer arrives"),
         QStringLiteral("Now we open the write side (FifoWriterOpener) and send a line through "
                        "a WritePipeTransport, then EOF."),
         QStringLiteral("cat wakes up, prints our line and exits with status 0"), writerArrives},
        {QStringLiteral("And the other way round"),
         QStringLiteral("A shell runs `echo hi > FIFO`: the redirection's open(O_WRONLY) waits "
                        "for a reader. Then we open the read side."),
         QStringLiteral("sh sleeps in wait_for_partner until we open; we read \"hi\""),
         blockedWriterReleased},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
