// Lesson "backpressure": a fast writer and a slow reader; the full pipe blocks the writer and
// the pipeline runs at the reader's pace.
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

#include <memory>

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

/// No page slot left: the last page may have a few bytes of room (a write that fits in the
/// last page's rest is merged into it, so a full pipe can hold a little less than capacity).
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

/// Whether `yes` sleeps on its full pipe, as last looked at.
struct Blocked {
    int queued = 0;
    ProcessActivity activity;
};

Observation pipeFull(const State &state, const Blocked &seen)
{
    const int queued = seen.queued;
    const ProcessActivity &activity = seen.activity;
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

void writerBlocks(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    // Plain `yes` writes "y\n" lines in 8192-byte write() calls: two whole pages each.
    state.writer = context.startChild(QStringLiteral("yes"), {}, &error);
    if (!state.writer)
        return done(Observation::failure(error.message()));
    state.readFd = context.adoptFd(state.writer->takeStdoutFd());
    T::setNonBlocking(state.readFd);
    state.capacity = T::capacity(state.readFd);
    auto seen = std::make_shared<Blocked>();
    const auto blocked = [&state, seen] {
        seen->queued = Sys::queuedBytes(state.readFd);
        seen->activity = ProcessActivity::of(state.writer->pid());
        return isFull(seen->queued, state.capacity) && seen->activity.isBlockedWriting();
    };
    context.when(blocked, FillWaitMs, [&state, seen, done](bool) { done(pipeFull(state, *seen)); })
        .recheckEvery(LessonContext::ProcPollMs);
}

/// What a measuring window saw: our reads and the writer's wchar before and after.
struct Window {
    qint64 readBytes = 0;
    int samples = 0;
    int blocked = 0;
    qint64 wcharBefore = -1;
    QElapsedTimer clock;
    QByteArray buffer;
};

Observation pacedRates(State &state, const Window &window)
{
    const qint64 pid = state.writer->pid();
    const qint64 readBytes = window.readBytes;
    const int samples = window.samples;
    const int blocked = window.blocked;
    const qint64 wcharBefore = window.wcharBefore;
    const double seconds = window.clock.nsecsElapsed() / 1e9;
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

void readerSetsPace(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.writer || state.readFd < 0)
        return done(Observation::failure(QStringLiteral("the previous step did not run")));
    const qint64 pid = state.writer->pid();
    auto window = std::make_shared<Window>();
    window->buffer = QByteArray(PacedRead, Qt::Uninitialized);
    auto *pace = new QTimer(&context);
    pace->setTimerType(Qt::PreciseTimer);
    QObject::connect(pace, &QTimer::timeout, pace, [&state, window, pid] {
        // Sampled before the read: after 10 ms the writer has long refilled the room we made.
        ++window->samples;
        window->blocked += ProcessActivity::of(pid).isBlockedWriting() ? 1 : 0;
        window->readBytes
            += qMax<ssize_t>(0, Sys::read(state.readFd, window->buffer.data(), PacedRead));
    });
    window->wcharBefore = bytesWrittenBy(pid);
    window->clock.start();
    pace->start(PaceMs);
    context.after(PacedWindowMs, [&state, window, pace, done] {
        delete pace;
        done(pacedRates(state, *window));
    });
}

Observation fastRates(const State &state, const Window &window)
{
    const double seconds = window.clock.nsecsElapsed() / 1e9;
    const qint64 written = bytesWrittenBy(state.writer->pid()) - window.wcharBefore;
    const qint64 readBytes = window.readBytes;
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

void readerFullSpeed(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.writer || state.pacedRate <= 0)
        return done(Observation::failure(QStringLiteral("the previous steps did not run")));
    auto window = std::make_shared<Window>();
    auto *notifier = new QSocketNotifier(state.readFd, QSocketNotifier::Read, &context);
    QObject::connect(notifier, &QSocketNotifier::activated, notifier,
                     [&state, window] { window->readBytes += T::drain(state.readFd); });
    window->wcharBefore = bytesWrittenBy(state.writer->pid());
    window->clock.start();
    context.after(FastWindowMs, [&state, window, notifier, done] {
        delete notifier;
        done(fastRates(state, *window));
    });
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
