// Lesson "pause-resume": flow control with the transports. A paused reader lets the kernel
// buffer fill; the write transport then buffers in user space and says writingPaused above
// its high-water mark, writingResumed at or below the low one.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "pipeopeners.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QCryptographicHash>
#include <QVariantMap>

#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr qsizetype Chunk = 16 * 1024;
constexpr int MaxChunks = 64; // 1 MiB: far more than a kernel pipe plus the high-water mark

struct State {
    std::unique_ptr<ReadPipeTransport> reader;
    std::unique_ptr<WritePipeTransport> writer;
    int capacity = 0;
    QByteArray sent;
    QByteArray received;
    bool eof = false;
    bool made = false;
    int pausedAtWrite = -1;
    qsizetype pausedAtBuffer = -1;
    qsizetype resumedAtBuffer = -1;
    int resumedCount = 0;
};

/// The application's side of flow control: one chunk of pseudo-random bytes.
void writeChunk(State &state)
{
    const QByteArray chunk = QCryptographicHash::hash(QByteArray::number(state.sent.size()),
                                                      QCryptographicHash::Sha512)
                                 .repeated(Chunk / 64);
    state.sent += chunk;
    state.writer->write(chunk);
}

void connectSignals(State &state)
{
    ReadPipeTransport *reader = state.reader.get();
    WritePipeTransport *writer = state.writer.get();
    QObject::connect(reader, &ReadPipeTransport::dataReceived, reader,
                     [&state](const QByteArray &data) { state.received += data; });
    QObject::connect(reader, &ReadPipeTransport::eofReceived, reader,
                     [&state] { state.eof = true; });
    QObject::connect(writer, &PipeTransport::connectionMade, writer,
                     [&state] { state.made = true; });
    QObject::connect(writer, &WritePipeTransport::writingPaused, writer, [&state] {
        state.pausedAtBuffer = state.writer->writeBufferSize();
        state.pausedAtWrite = int(state.sent.size() / Chunk);
    });
    QObject::connect(writer, &WritePipeTransport::writingResumed, writer, [&state] {
        state.resumedAtBuffer = state.writer->writeBufferSize();
        ++state.resumedCount;
    });
}

Observation fillKernel(State &state)
{
    state.capacity = T::capacity(state.writer->fd());
    for (int i = 0; i < state.capacity / Chunk; ++i)
        writeChunk(state);
    const int queued = Sys::queuedBytes(state.writer->fd());
    const qsizetype buffered = state.writer->writeBufferSize();
    Observation o = Observation::check(
        queued == state.capacity && buffered == 0,
        QStringLiteral("%1 written in %2 writes: kernel %3, transport buffer %4")
            .arg(state.sent.size())
            .arg(state.sent.size() / Chunk)
            .arg(T::bytes(queued))
            .arg(T::bytes(buffered)));
    o.prediction
        = QStringLiteral("kernel %1 (F_GETPIPE_SZ), transport buffer 0").arg(state.capacity);
    o.why = QStringLiteral("With nothing buffered, write() goes straight to the fd, and the "
                           "kernel takes bytes until the pipe is full. The reader is paused, so "
                           "they stay there (FIONREAD shows them).");
    o.values = {{QStringLiteral("queued"), queued},
                {QStringLiteral("buffered"), buffered},
                {QStringLiteral("capacity"), state.capacity}};
    return o;
}

void kernelFillsFirst(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    state.reader = std::make_unique<ReadPipeTransport>();
    state.writer = std::make_unique<WritePipeTransport>();
    connectSignals(state);
    Error error;
    if (!Openers::openAnonymousPipe(state.reader.get(), state.writer.get(), &error))
        return done(Observation::failure(error.message()));
    state.reader->pauseReading();
    context.when([&state] { return state.made; }, 1000, [&state, done](bool) {
               done(fillKernel(state));
           }).recheckOn(state.writer.get(), &PipeTransport::connectionMade);
}

Observation transportPauses(LessonContext &context)
{
    State &state = context.state<State>();
    if (!state.writer || !state.writer->isOpen())
        return Observation::failure(QStringLiteral("the previous step did not run"));
    const qsizetype high = state.writer->writeBufferLimits().second;
    for (int i = 0; i < MaxChunks && !state.writer->isWritingPaused(); ++i)
        writeChunk(state);
    const int queued = Sys::queuedBytes(state.writer->fd());
    const qsizetype expected = (high / Chunk + 1) * Chunk; // the first size above high
    Observation o = Observation::check(
        state.pausedAtBuffer == expected && queued == state.capacity,
        state.pausedAtBuffer < 0
            ? QStringLiteral("no writingPaused after %1").arg(T::bytes(state.sent.size()))
            : QStringLiteral("writingPaused at write %1 with %2 buffered (kernel still %3)")
                  .arg(state.pausedAtWrite)
                  .arg(T::bytes(state.pausedAtBuffer))
                  .arg(queued));
    o.prediction = QStringLiteral("writingPaused when the buffer first exceeds %1: at %2")
                       .arg(high)
                       .arg(expected);
    o.why = QStringLiteral("The kernel is full, so every write is buffered by the transport. "
                           "writingPaused is the transport asking the producer to stop (asyncio's "
                           "pause_writing): the buffer went strictly above the high-water mark "
                           "(%1). We stop writing here, as a well-behaved producer does.")
                .arg(high);
    o.values = {{QStringLiteral("high"), high},
                {QStringLiteral("pausedAtBuffer"), state.pausedAtBuffer},
                {QStringLiteral("pausedAtWrite"), state.pausedAtWrite},
                {QStringLiteral("queued"), queued}};
    return o;
}

Observation allDelivered(const State &state, qsizetype low)
{
    const bool intact = state.received == state.sent;
    Observation o = Observation::check(
        state.resumedCount == 1 && state.resumedAtBuffer <= low && state.eof && intact,
        state.resumedCount == 0
            ? QStringLiteral("no writingResumed within 2 s")
            : QStringLiteral("writingResumed with %1 buffered; reader got %2 "
                             "of %3, %4, then EOF")
                  .arg(T::bytes(state.resumedAtBuffer))
                  .arg(state.received.size())
                  .arg(state.sent.size())
                  .arg(intact ? QStringLiteral("identical") : QStringLiteral("DIFFERENT")));
    o.prediction = QStringLiteral("writingResumed once the buffer is ≤ %1 (low water = high/4), "
                                  "then all %2 bytes arrive intact")
                       .arg(low)
                       .arg(state.sent.size());
    o.why = QStringLiteral("The reader drains the kernel pipe, the writer refills it from its "
                           "buffer, and once the buffer has shrunk to the low-water mark the "
                           "transport invites the producer to write again. The gap between "
                           "high and low keeps it from flapping on every read.");
    o.values = {{QStringLiteral("low"), low},
                {QStringLiteral("resumedAtBuffer"), state.resumedAtBuffer},
                {QStringLiteral("resumedCount"), state.resumedCount},
                {QStringLiteral("sent"), state.sent.size()},
                {QStringLiteral("received"), state.received.size()},
                {QStringLiteral("intact"), intact}};
    return o;
}

void resumeReading(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.reader || state.pausedAtBuffer < 0)
        return done(Observation::failure(QStringLiteral("the previous steps did not run")));
    const qsizetype low = state.writer->writeBufferLimits().first;
    state.reader->resumeReading();
    const auto delivered = [&state, low, done](bool) { done(allDelivered(state, low)); };
    context.when([&state] { return state.resumedCount > 0; }, 2000,
                 [&context, &state, delivered](bool) {
                     state.writer->writeEof(); // everything written is delivered, then EOF
                     context.when([&state] { return state.eof; }, 2000, delivered)
                         .recheckOn(state.reader.get(), &ReadPipeTransport::eofReceived);
                 })
        .recheckOn(state.writer.get(), &WritePipeTransport::writingResumed);
}

} // namespace

Lesson pauseResume()
{
    Lesson lesson;
    lesson.id = QStringLiteral("pause-resume");
    lesson.title = QStringLiteral("Pause and resume: flow control");
    lesson.summary = QStringLiteral("The kernel buffer fills, the write transport buffers, "
                                    "writingPaused at the high-water mark, writingResumed at "
                                    "the low one.");
    lesson.steps = {
        {QStringLiteral("The reader pauses; the kernel buffer fills"),
         QStringLiteral("A ReadPipeTransport and a WritePipeTransport share a pipe. The reader "
                        "calls pauseReading(): it stops reading, but the pipe still accepts "
                        "bytes until it is full. We write 16 KiB at a time."),
         QStringLiteral("the first 65536 bytes go into the kernel; nothing is buffered yet"),
         kernelFillsFirst},
        {QStringLiteral("The transport buffers, then pauses the producer"),
         QStringLiteral("More writes cannot reach the kernel. The transport keeps them in its "
                        "own buffer (writeBufferSize()) and signals writingPaused when that "
                        "buffer grows above the high-water mark, 64 KiB by default."),
         QStringLiteral("writingPaused when the buffer first exceeds 65536 bytes (81920 with "
                        "16 KiB writes)"),
         transportPauses},
        {QStringLiteral("The reader resumes; writing resumes at low water"),
         QStringLiteral("resumeReading(): the reader drains the pipe, the transport flushes its "
                        "buffer into it, and signals writingResumed once the buffer is at or "
                        "below the low-water mark (16 KiB)."),
         QStringLiteral("writingResumed with ≤ 16384 bytes buffered; every byte arrives, in "
                        "order"),
         resumeReading},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
