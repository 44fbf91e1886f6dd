// Lesson "nonblocking": EAGAIN, partial writes above PIPE_BUF, all-or-nothing at or below it.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "sys.h"

#include <QVariantMap>

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <unistd.h>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

int pageSize()
{
    return int(sysconf(_SC_PAGESIZE));
}

/// One non-blocking write of \a size bytes: its return value, or -errno.
qint64 writeOnce(int fd, qint64 size)
{
    const QByteArray data(size, 'w');
    const ssize_t n = Sys::write(fd, data.constData(), size_t(size));
    return n < 0 ? -errno : n;
}

QString resultText(qint64 result)
{
    return result < 0 ? T::errnoName(int(-result)) : QString::number(result);
}

QVariant resultValue(qint64 result)
{
    return result < 0 ? QVariant(T::errnoName(int(-result))) : QVariant(result);
}

Observation eagainWhenFull(LessonContext &context)
{
    Error error;
    const auto pipe = context.makePipe(&error, O_NONBLOCK);
    if (!pipe)
        return Observation::failure(error.message());
    const T::FillResult fill = T::fill(pipe->write, pageSize());
    const qint64 one = writeOnce(pipe->write, 1);
    Observation o = Observation::check(
        fill.error == EAGAIN && one == -EAGAIN,
        QStringLiteral("full at %1; write(1) → %2").arg(T::bytes(fill.bytes), resultText(one)));
    o.why = QStringLiteral("A blocking write would sleep here until the reader makes room; "
                           "O_NONBLOCK turns that sleep into EAGAIN, and the caller must wait "
                           "for POLLOUT (a QSocketNotifier) before trying again.");
    o.values
        = {{QStringLiteral("filled"), fill.bytes}, {QStringLiteral("write1"), resultValue(one)}};
    return o;
}

Observation partialBigWrite(LessonContext &context)
{
    Error error;
    const auto pipe = context.makePipe(&error, O_NONBLOCK);
    if (!pipe)
        return Observation::failure(error.message());
    const int capacity = T::capacity(pipe->write);
    const qint64 size = capacity + 4464; // 70000 with the default capacity
    const qint64 written = writeOnce(pipe->write, size);
    Observation o = Observation::check(
        written == capacity, QStringLiteral("write(%1) → %2").arg(size).arg(resultText(written)));
    o.prediction
        = QStringLiteral("write(%1) → %2 (F_GETPIPE_SZ): a partial write").arg(size).arg(capacity);
    o.why = QStringLiteral("A write above PIPE_BUF (4096) may be split: the kernel takes what "
                           "fits and returns that count. The remaining %1 bytes are the "
                           "caller's job — forgetting them loses data silently.")
                .arg(size - qMax<qint64>(written, 0));
    o.values = {{QStringLiteral("requested"), size},
                {QStringLiteral("written"), resultValue(written)},
                {QStringLiteral("capacity"), capacity}};
    return o;
}

/// A pipe holding every slot but the last full, plus 100 bytes in the last one.
std::optional<PipeFds> almostFullPipe(LessonContext &context, qint64 *queued, Error *error)
{
    const auto pipe = context.makePipe(error, O_NONBLOCK);
    if (!pipe)
        return std::nullopt;
    const int slots = T::capacity(pipe->write) / pageSize();
    T::fill(pipe->write, pageSize(), qint64(slots - 1) * pageSize());
    writeOnce(pipe->write, 100);
    *queued = Sys::queuedBytes(pipe->read);
    return pipe;
}

Observation smallWritesAllOrNothing(LessonContext &context)
{
    Error error;
    qint64 queued = 0;
    const auto pipe = almostFullPipe(context, &queued, &error);
    if (!pipe)
        return Observation::failure(error.message());
    const int room = pageSize() - 100; // what the last page still takes: 3996
    const qint64 tooBig = writeOnce(pipe->write, room + 1);
    const qint64 fits = writeOnce(pipe->write, room);
    Observation o = Observation::check(tooBig == -EAGAIN && fits == room,
                                       QStringLiteral("%1 queued; write(%2) → %3; write(%4) → %5")
                                           .arg(queued)
                                           .arg(room + 1)
                                           .arg(resultText(tooBig))
                                           .arg(room)
                                           .arg(resultText(fits)));
    o.prediction = QStringLiteral("with %1 queued: write(%2) → EAGAIN, write(%3) → %3")
                       .arg(queued)
                       .arg(room + 1)
                       .arg(room);
    o.why = QStringLiteral("No slot is free, but the last page has %1 bytes of room. A write of "
                           "at most PIPE_BUF (%2) is atomic: it goes in whole (merged into that "
                           "page) or not at all — never a short count, even though "
                           "F_GETPIPE_SZ − FIONREAD = %1 would suggest a partial write.")
                .arg(room)
                .arg(PIPE_BUF);
    o.values = {{QStringLiteral("queued"), queued},
                {QStringLiteral("writeRoomPlusOne"), resultValue(tooBig)},
                {QStringLiteral("writeRoom"), resultValue(fits)}};
    return o;
}

Observation bigWriteShort(LessonContext &context)
{
    Error error;
    const auto pipe = context.makePipe(&error, O_NONBLOCK);
    if (!pipe)
        return Observation::failure(error.message());
    const int slots = T::capacity(pipe->write) / pageSize();
    T::fill(pipe->write, pageSize(), qint64(slots - 1) * pageSize());
    const qint64 queued = Sys::queuedBytes(pipe->read);
    const qint64 written = writeOnce(pipe->write, 2 * pageSize());
    Observation o = Observation::check(written == pageSize(),
                                       QStringLiteral("%1 queued (one free slot); write(%2) → %3")
                                           .arg(queued)
                                           .arg(2 * pageSize())
                                           .arg(resultText(written)));
    o.why = QStringLiteral("Above PIPE_BUF the kernel fills the free slot and returns a short "
                           "count: the caller must write the rest later. With two writers, the "
                           "other one's bytes can land in between (see the atomic-writes lesson).");
    o.values = {{QStringLiteral("queued"), queued},
                {QStringLiteral("requested"), 2 * pageSize()},
                {QStringLiteral("written"), resultValue(written)}};
    return o;
}

} // namespace

Lesson nonblocking()
{
    Lesson lesson;
    lesson.id = QStringLiteral("nonblocking");
    lesson.title = QStringLiteral("Non-blocking I/O");
    lesson.summary = QStringLiteral("EAGAIN on a full pipe, partial writes above 4096 bytes, "
                                    "all-or-nothing writes at or below it.");
    lesson.steps = {
        {QStringLiteral("EAGAIN on a full pipe"),
         QStringLiteral("With O_NONBLOCK a write never sleeps. When the pipe has no room at all, "
                        "even a single byte is refused with EAGAIN (\"try again later\"), which "
                        "is not an error: an event loop waits for the pipe to become writable."),
         QStringLiteral("write(1) → EAGAIN once the pipe is full"), eagainWhenFull},
        {QStringLiteral("A big write into an empty pipe is partial"),
         QStringLiteral("We ask for 70000 bytes at once into an empty pipe that holds 65536. A "
                        "blocking write would take them all, sleeping in between; a "
                        "non-blocking one returns how much fitted."),
         QStringLiteral("write(70000) → 65536"), partialBigWrite},
        {QStringLiteral("Writes ≤ 4096 bytes are all or nothing"),
         QStringLiteral("POSIX promises that writes of at most PIPE_BUF bytes are atomic. In a "
                        "pipe holding 15 full pages and 100 bytes, no slot is free but the last "
                        "page has 3996 bytes of room."),
         QStringLiteral("61540 queued: write(3997) → EAGAIN, write(3996) → 3996"),
         smallWritesAllOrNothing},
        {QStringLiteral("Writes > 4096 bytes can be short"),
         QStringLiteral("Now 15 full pages and one free slot: a write of 8192 bytes does not "
                        "fit whole."),
         QStringLiteral("61440 queued: write(8192) → 4096"), bigWriteShort},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
