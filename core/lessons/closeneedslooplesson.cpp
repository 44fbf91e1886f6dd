// Lesson "close-needs-loop": a write transport's close() flushes its buffer only while the
// event loop runs (the trap CPython's functional pipe tests fell into).
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QCryptographicHash>
#include <QVariantMap>

#include <memory>
#include <poll.h>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr qsizetype Total = 200000;
constexpr int PollMs = 100;

struct State {
    std::unique_ptr<WritePipeTransport> writer;
    std::unique_ptr<ReadPipeTransport> reader;
    int readFd = -1; ///< ours, raw and non-blocking until the last step hands it to `reader`
    QByteArray sent;
    QByteArray received;
    bool eof = false;
    int lost = -1;
    bool made = false;
};

QByteArray payload()
{
    QByteArray data;
    data.reserve(Total);
    for (int i = 0; data.size() < Total; ++i)
        data += QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256);
    data.truncate(Total);
    return data;
}

Observation writeAll(State &state)
{
    const int capacity = T::capacity(state.readFd);
    state.sent = payload();
    state.writer->write(state.sent);
    const int queued = Sys::queuedBytes(state.readFd);
    const qsizetype buffered = state.writer->writeBufferSize();
    Observation o = Observation::check(queued == capacity && buffered == Total - capacity,
                                       QStringLiteral("kernel %1, transport buffer %2")
                                           .arg(T::bytes(queued))
                                           .arg(T::bytes(buffered)));
    o.prediction = QStringLiteral("kernel %1 (F_GETPIPE_SZ), transport buffer %2")
                       .arg(capacity)
                       .arg(Total - capacity);
    o.why = QStringLiteral("Nobody reads yet: the kernel takes what fits, the transport keeps "
                           "the rest and waits for the pipe to become writable.");
    o.values = {{QStringLiteral("queued"), queued},
                {QStringLiteral("buffered"), buffered},
                {QStringLiteral("capacity"), capacity}};
    return o;
}

void bufferMore(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    auto pipe = context.makePipe(&error);
    if (!pipe)
        return done(Observation::failure(error.message()));
    state.readFd = pipe->read;
    T::setNonBlocking(state.readFd);
    state.writer = std::make_unique<WritePipeTransport>();
    QObject::connect(state.writer.get(), &PipeTransport::connectionLost, state.writer.get(),
                     [&state](int err) { state.lost = err; });
    QObject::connect(state.writer.get(), &PipeTransport::connectionMade, state.writer.get(),
                     [&state] { state.made = true; });
    if (!state.writer->open(context.releaseFd(pipe->write)))
        return done(Observation::failure(state.writer->errorString()));
    context.when([&state] { return state.made; }, 1000, [&state, done](bool) {
               done(writeAll(state));
           }).recheckOn(state.writer.get(), &PipeTransport::connectionMade);
}

Observation closeWithoutLoop(LessonContext &context)
{
    State &state = context.state<State>();
    if (!state.writer || state.readFd < 0)
        return Observation::failure(QStringLiteral("the previous step did not run"));
    state.writer->close();
    // Read what the kernel has, then wait on the pipe directly, without the Qt event loop.
    const qint64 first = T::drain(state.readFd, &state.received);
    pollfd pfd {state.readFd, POLLIN, 0};
    const int ready = Sys::retryOnEintr([&] { return ::poll(&pfd, 1, PollMs); });
    bool eof = false;
    const qint64 more = T::drain(state.readFd, &state.received, &eof);
    const qsizetype buffered = state.writer->writeBufferSize();
    Observation o = Observation::check(
        first == T::capacity(state.readFd) && ready == 0 && more == 0 && !eof && buffered > 0,
        QStringLiteral("read %1; then poll(%2 ms) → %3: no data, no EOF; the transport still "
                       "holds %4 (closing: %5)")
            .arg(T::bytes(first))
            .arg(PollMs)
            .arg(ready)
            .arg(T::bytes(buffered))
            .arg(state.writer->isClosing() ? QStringLiteral("yes") : QStringLiteral("no")));
    o.why = QStringLiteral("close() only marks the transport closing: its buffer is written "
                           "when the write notifier fires, which needs the event loop. If the "
                           "program returned from main() now, the reader would lose %1 and "
                           "see EOF only because the process exited.")
                .arg(T::bytes(buffered));
    o.values = {{QStringLiteral("firstRead"), first},
                {QStringLiteral("pollResult"), ready},
                {QStringLiteral("eof"), eof},
                {QStringLiteral("buffered"), buffered}};
    return o;
}

Observation flushedThenEof(const State &state, qsizetype before)
{
    const bool intact = state.received == state.sent;
    Observation o = Observation::check(
        state.eof && intact && state.lost == 0,
        QStringLiteral("%1 more, then EOF; total %2 of %3, %4; writer connectionLost(%5)")
            .arg(T::bytes(state.received.size() - before))
            .arg(state.received.size())
            .arg(state.sent.size())
            .arg(intact ? QStringLiteral("identical") : QStringLiteral("DIFFERENT"))
            .arg(state.lost));
    o.why = QStringLiteral("With the loop running, the write notifier fires as the reader makes "
                           "room, the transport flushes its buffer, and only then closes the fd: "
                           "EOF comes after the last byte.");
    o.values = {{QStringLiteral("more"), state.received.size() - before},
                {QStringLiteral("received"), state.received.size()},
                {QStringLiteral("intact"), intact},
                {QStringLiteral("eof"), state.eof},
                {QStringLiteral("lostErrno"), state.lost}};
    return o;
}

void runTheLoop(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.writer || state.readFd < 0)
        return done(Observation::failure(QStringLiteral("the previous steps did not run")));
    const qsizetype before = state.received.size();
    state.reader = std::make_unique<ReadPipeTransport>();
    QObject::connect(state.reader.get(), &ReadPipeTransport::dataReceived, state.reader.get(),
                     [&state](const QByteArray &data) { state.received += data; });
    QObject::connect(state.reader.get(), &ReadPipeTransport::eofReceived, state.reader.get(),
                     [&state] { state.eof = true; });
    if (!state.reader->open(context.releaseFd(state.readFd)))
        return done(Observation::failure(state.reader->errorString()));
    state.readFd = -1;
    context.when([&state] { return state.eof && state.lost >= 0; }, 2000,
                 [&state, before, done](bool) { done(flushedThenEof(state, before)); })
        .recheckOn(state.reader.get(), &ReadPipeTransport::eofReceived)
        .recheckOn(state.writer.get(), &PipeTransport::connectionLost);
}

} // namespace

Lesson closeNeedsLoop()
{
    Lesson lesson;
    lesson.id = QStringLiteral("close-needs-loop");
    lesson.title = QStringLiteral("Closing needs the event loop");
    lesson.summary = QStringLiteral("A transport's close() flushes its buffer only while the "
                                    "event loop runs.");
    lesson.steps = {
        {QStringLiteral("Write more than the pipe holds"),
         QStringLiteral("A WritePipeTransport writes 200000 bytes into a pipe nobody reads yet."),
         QStringLiteral("65536 bytes in the kernel, 134464 in the transport's buffer"), bufferMore},
        {QStringLiteral("close() without running the loop"),
         QStringLiteral("We call close() and then, without returning to the event loop, read the "
                        "pipe and wait on it with poll() for 100 ms."),
         QStringLiteral("the reader gets the 65536 kernel bytes, then nothing: no data, no EOF"),
         closeWithoutLoop},
        {QStringLiteral("Run the event loop"),
         QStringLiteral("Now the event loop runs while a ReadPipeTransport reads the pipe."),
         QStringLiteral("the remaining 134464 bytes arrive, then EOF; all 200000 bytes intact"),
         runTheLoop},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
