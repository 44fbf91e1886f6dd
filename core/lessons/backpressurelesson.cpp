// Lesson "backpressure": a fast writer and a slow reader; the full pipe blocks the writer and
// the pipeline runs at the reader's pace (kernel-facts §3, §6).
#include "builtinlessons.h"
#include "childprocess.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "sys.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSocketNotifier>
#include <QTimer>
#include <QVariantMap>

#include <unistd.h>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int FillWaitMs = 1000;
constexpr int PaceMs = 10;
constexpr int PacedRead = 8192;
constexpr int PacedWindowMs = 600;
constexpr int FastWindowMs = 300;
constexpr int SpeedUp = 10;

struct State {
    ChildProcess *writer = nullptr;
    int readFd = -1;
    int capacity = 0;
    double pacedRate = 0; ///< bytes per second the reader allowed in step 2
};

/// Bytes the process has written with write(2) and friends (/proc/PID/io wchar), or -1.
qint64 bytesWrittenBy(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/io").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("wchar:"))
            return line.mid(6).trimmed().toLongLong();
    }
    return -1;
}

/// No page slot left: the last page may have a few bytes of room (kernel-facts §10).
bool isFull(int queued, int capacity)
{
    return queued > capacity - int(sysconf(_SC_PAGESIZE));
}

QString rate(double bytesPerSecond)
{
    if (bytesPerSecond >= 1e6)
        return QStringLiteral("%1 MB/s").arg(bytesPerSecond / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 kB/s").arg(bytesPerSecond / 1e3, 0, 'f', 0);
}

Observation writerBlocks(LessonContext &context)
{
    State &state = context.state<State>();
    QString error;
    // Plain `yes` writes "y\n" lines in 8192-byte write() calls: two whole pages each.
    state.writer = context.startChild(QStringLiteral("yes"), {}, &error);
    if (!state.writer)
        return Observation::failure(error);
    state.readFd = context.adoptFd(state.writer->takeStdoutFd());
    T::setNonBlocking(state.readFd);
    state.capacity = T::capacity(state.readFd);
    int queued = 0;
    ProcessActivity activity;
    context.waitUntil(
        [&] {
            queued = Sys::queuedBytes(state.readFd);
            activity = ProcessActivity::of(state.writer->pid());
            return isFull(queued, state.capacity) && activity.isBlockedWriting();
        },
        FillWaitMs);
    Observation o = Observation::check(queued == state.capacity && activity.state == 'S'
                                           && activity.isBlockedWriting(),
                                       QStringLiteral("FIONREAD %1 of %2; yes (pid %3): %4")
                                           .arg(queued)
                                           .arg(state.capacity)
                                           .arg(state.writer->pid())
                                           .arg(activity.text()));
    o.why = QStringLiteral("`yes` writes as fast as it can; nobody reads, so the pipe fills and "
                           "its next write() sleeps in the kernel (wchan anon_pipe_write on "
                           "Linux ≥ 6.16, pipe_write before). It uses no CPU while it waits.");
    o.values = {{QStringLiteral("queued"), queued},
                {QStringLiteral("capacity"), state.capacity},
                {QStringLiteral("state"), QString(QChar::fromLatin1(activity.state))},
                {QStringLiteral("wchan"), activity.wchan}};
    return o;
}

Observation readerSetsPace(LessonContext &context)
{
    State &state = context.state<State>();
    if (!state.writer || state.readFd < 0)
        return Observation::failure(QStringLiteral("the previous step did not run"));
    const qint64 pid = state.writer->pid();
    qint64 readBytes = 0;
    int samples = 0, blocked = 0;
    QByteArray buffer(PacedRead, Qt::Uninitialized);
    QTimer pace;
    pace.setTimerType(Qt::PreciseTimer);
    QObject::connect(&pace, &QTimer::timeout, &pace, [&] {
        // Sampled before the read: after 10 ms the writer has long refilled the room we made.
        ++samples;
        blocked += ProcessActivity::of(pid).isBlockedWriting() ? 1 : 0;
        readBytes += qMax<ssize_t>(0, Sys::read(state.readFd, buffer.data(), PacedRead));
    });
    const qint64 wcharBefore = bytesWrittenBy(pid);
    QElapsedTimer clock;
    clock.start();
    pace.start(PaceMs);
    context.runEventLoop(PacedWindowMs);
    pace.stop();
    const double seconds = clock.nsecsElapsed() / 1e9;
    const qint64 wcharAfter = bytesWrittenBy(pid);
    if (wcharBefore < 0 || wcharAfter < 0)
        return Observation::failure(QStringLiteral("cannot read /proc/%1/io").arg(pid));
    const qint64 written = wcharAfter - wcharBefore;
    state.pacedRate = readBytes / seconds;
    Observation o = Observation::check(
        qAbs(written - readBytes) <= state.capacity && blocked * 2 >= samples,
        QStringLiteral("reader %1 (%2), writer %3 (%4); writer blocked in %5 of %6 samples")
            .arg(rate(state.pacedRate), T::bytes(readBytes), rate(written / seconds),
                 T::bytes(written))
            .arg(blocked)
            .arg(samples));
    o.prediction = QStringLiteral("writer rate = reader rate, within one pipe (%1) over %2 ms; the "
                                  "writer blocked most of the time")
                       .arg(T::bytes(state.capacity))
                       .arg(PacedWindowMs);
    o.why = QStringLiteral("Every read frees room for exactly that many bytes, and the writer, "
                           "woken up, fills it and blocks again. The kernel buffer is a fixed "
                           "size, so the writer can never get more than a pipe's worth ahead "
                           "(/proc/PID/io wchar counts its bytes).");
    o.values = {{QStringLiteral("readerBytes"), readBytes},
                {QStringLiteral("writerBytes"), written},
                {QStringLiteral("readerRate"), state.pacedRate},
                {QStringLiteral("writerRate"), written / seconds},
                {QStringLiteral("samples"), samples},
                {QStringLiteral("blockedSamples"), blocked}};
    return o;
}

Observation readerFullSpeed(LessonContext &context)
{
    State &state = context.state<State>();
    if (!state.writer || state.pacedRate <= 0)
        return Observation::failure(QStringLiteral("the previous steps did not run"));
    const qint64 pid = state.writer->pid();
    qint64 readBytes = 0;
    QSocketNotifier notifier(state.readFd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &notifier,
                     [&] { readBytes += T::drain(state.readFd); });
    const qint64 wcharBefore = bytesWrittenBy(pid);
    QElapsedTimer clock;
    clock.start();
    context.runEventLoop(FastWindowMs);
    notifier.setEnabled(false);
    const double seconds = clock.nsecsElapsed() / 1e9;
    const qint64 written = bytesWrittenBy(pid) - wcharBefore;
    const double fast = readBytes / seconds;
    Observation o = Observation::check(fast >= SpeedUp * state.pacedRate
                                           && qAbs(written - readBytes) <= state.capacity,
                                       QStringLiteral("reader %1, writer %2: %3× the paced rate")
                                           .arg(rate(fast), rate(written / seconds))
                                           .arg(fast / state.pacedRate, 0, 'f', 0));
    o.prediction = QStringLiteral("both rates rise at least %1× above %2, still equal")
                       .arg(SpeedUp)
                       .arg(rate(state.pacedRate));
    o.why = QStringLiteral("The writer was never slow: it was waiting for room. Throughput is "
                           "set by the slowest stage of a pipeline, and the pipe hands that "
                           "pace back to the writer.");
    o.values = {{QStringLiteral("readerRate"), fast},
                {QStringLiteral("writerRate"), written / seconds},
                {QStringLiteral("readerBytes"), readBytes},
                {QStringLiteral("writerBytes"), written}};
    return o;
}

} // namespace

Lesson backpressure()
{
    Lesson lesson;
    lesson.id = QStringLiteral("backpressure");
    lesson.title = QStringLiteral("Blocking and back-pressure");
    lesson.summary = QStringLiteral("A fast writer and a slow reader: the pipe fills, the writer "
                                    "blocks, throughput drops to the reader's pace.");
    lesson.steps = {
        {QStringLiteral("A fast writer, nobody reading"),
         QStringLiteral("We start `yes`, which writes lines forever into a pipe whose read end "
                        "we hold but do not read."),
         QStringLiteral("the pipe fills to its capacity and yes sleeps in write(): state S, "
                        "wchan anon_pipe_write"),
         writerBlocks},
        {QStringLiteral("A slow reader sets the pace"),
         QStringLiteral("Now we read 8 KiB every 10 ms (about 800 kB/s) and measure how fast "
                        "yes writes, from its /proc/PID/io."),
         QStringLiteral("yes writes exactly as fast as we read, and is blocked most of the time"),
         readerSetsPace},
        {QStringLiteral("The reader speeds up"),
         QStringLiteral("Now we read whenever the pipe is readable, as fast as we can."),
         QStringLiteral("both rates jump by at least 10×"), readerFullSpeed},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
