// Lesson "fifo-rendezvous": opening a FIFO waits for the other end (fifo(7), kernel-facts §8).
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
QString fifoPath(LessonContext &context, QString *error)
{
    State &state = context.state<State>();
    if (!state.path.isEmpty())
        return state.path;
    const QString dir = context.tempDir();
    if (dir.isEmpty()) {
        *error = QStringLiteral("cannot create a temporary directory");
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
    QString error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error);
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
    QString error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error);
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
    QString error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error);
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

/// How the explorer lists \a pid's pending open of the FIFO at \a path ("opening FIFO ... for
/// reading"), or empty when it does not.
QString openerSeenByExplorer(const LessonContext &context, qint64 pid, const QString &path)
{
    const SystemSnapshot snapshot = context.scanPipes();
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const FifoOpener &opener : pipe.openers) {
            if (opener.pid == pid && pipe.path == path)
                return QStringLiteral("opening FIFO %1 for %2")
                        .arg(path, opener.mode == EndpointMode::Read ? QStringLiteral("reading")
                                                                     : QStringLiteral("writing"));
        }
    }
    return QString();
}

Observation blockingOpenWaits(LessonContext &context)
{
    State &state = context.state<State>();
    QString error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error);
    state.cat = context.startChild(QStringLiteral("cat"), {path}, &error);
    if (!state.cat)
        return Observation::failure(error);
    ProcessActivity activity;
    context.waitUntil(
        [&] {
            activity = ProcessActivity::of(state.cat->pid());
            return activity.isWaitingForPartner();
        },
        WaitMs);
    const QString explorer = openerSeenByExplorer(context, state.cat->pid(), path);
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

Observation writerArrives(LessonContext &context)
{
    State &state = context.state<State>();
    if (!state.cat)
        return Observation::failure(QStringLiteral("the previous step did not run"));
    state.catOutput = std::make_unique<ReadPipeTransport>();
    ReadPipeTransport *output = state.catOutput.get();
    QObject::connect(output, &ReadPipeTransport::dataReceived, output,
                     [&state](const QByteArray &data) { state.echoed += data; });
    QObject::connect(output, &ReadPipeTransport::eofReceived, output,
                     [&state] { state.eof = true; });
    if (!output->open(state.cat->takeStdoutFd()))
        return Observation::failure(output->errorString());
    state.opener = std::make_unique<FifoWriterOpener>();
    state.writer = std::make_unique<WritePipeTransport>();
    QObject::connect(state.opener.get(), &FifoWriterOpener::connected, state.writer.get(),
                     [&state](int fd) {
                         if (state.writer->open(fd)) {
                             state.writer->write(Greeting);
                             state.writer->writeEof();
                         } else {
                             Sys::close(fd);
                         }
                     });
    if (!state.opener->start(state.path))
        return Observation::failure(state.opener->errorString());
    context.waitUntil(
        [&] { return state.eof && state.cat->state() == ChildProcess::State::Exited; }, WaitMs);
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

Observation blockedWriterReleased(LessonContext &context)
{
    QString error;
    const QString path = fifoPath(context, &error);
    if (path.isEmpty())
        return Observation::failure(error);
    LessonProcess::Spec spec;
    spec.program = QStringLiteral("sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("echo hi > \"$0\""), path};
    LessonProcess *writer = context.spawn(spec, &error);
    if (!writer)
        return Observation::failure(error);
    ProcessActivity activity;
    context.waitUntil(
        [&] {
            activity = writer->activity();
            return activity.isWaitingForPartner();
        },
        WaitMs);
    const int fd = context.adoptFd(Openers::openFifoReader(path, &error));
    if (fd < 0)
        return Observation::failure(error);
    QByteArray got;
    bool eof = false;
    context.waitUntil(
        [&] {
            T::drain(fd, &got, &eof);
            return eof && !got.isEmpty();
        },
        WaitMs);
    context.waitUntil([&] { return !writer->isRunning(); }, WaitMs);
    Observation o = Observation::check(
        activity.isWaitingForPartner() && got == "hi\n",
        QStringLiteral("sh (pid %1) was in %2; after our reader "
                       "opened: read \"%3\", %4")
            .arg(writer->pid())
            .arg(activity.text(), QString::fromLocal8Bit(got).trimmed(), writer->statusText()));
    o.why = QStringLiteral("The same rendezvous the other way round: the shell's `>` opens the "
                           "FIFO for writing and sleeps until a reader arrives.");
    o.values = {{QStringLiteral("wchan"), activity.wchan},
                {QStringLiteral("read"), QString::fromLocal8Bit(got)}};
    return o;
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
