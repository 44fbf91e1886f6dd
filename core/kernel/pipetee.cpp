#include "pipetee.h"

#include "fd.h"
#include "kernellogging.h"
#include "pipelimits.h"
#include "sys.h"

#include <cstring>

namespace PipeScope {

namespace {

constexpr qint64 maxPrivateCapacity = 1024 * 1024;


std::optional<QByteArray> failure(Error *error, const Error &failed)
{
    Error::report(error, failed);
    return std::nullopt;
}

/// "<what>: <strerror(code)>" for the errno \a code a failed syscall left.
std::optional<QByteArray> failure(Error *error, int code, const QString &what)
{
    return failure(error, Error::fromErrno(code, what));
}

/// Capacity the private pipe needs so that one tee(2) sees \a n bytes: a tee copies whole
/// source slots into free private slots (docs/kernel-behaviour.md §4), each occupied slot holds at least
/// one byte, and the source has no more slots than its capacity.
qint64 neededCapacity(qsizetype n, int sourceCapacity)
{
    const qint64 page = PipeLimits::pageSize();
    const qint64 sourceSlots = qMax<qint64>(1, sourceCapacity / page);
    const qint64 slots = qMin<qint64>(sourceSlots, qint64(n));
    return qMin(PipeLimits::roundedCapacity(slots * page), maxPrivateCapacity);
}

/// Grows the private pipe; if the kernel refuses (per-user page limit, or a lower
/// pipe-max-size), the peek goes on with what it has and may show fewer bytes.
void growPrivatePipe(int fd, qint64 capacity)
{
    if (Sys::fcntl(fd, F_GETPIPE_SZ) >= capacity)
        return;
    if (Sys::fcntl(fd, F_SETPIPE_SZ, int(capacity)) >= 0)
        return;
    const qint64 maxSize = PipeLimits::pipeMaxSize();
    if (errno == EPERM && maxSize > 0 && maxSize < capacity
        && Sys::fcntl(fd, F_SETPIPE_SZ, int(maxSize)) >= 0)
        return;
    qCDebug(lcKernel) << "peek: private pipe stays at" << Sys::fcntl(fd, F_GETPIPE_SZ)
                      << "bytes, wanted" << capacity << ":" << Sys::errorText(errno);
}

} // namespace

std::optional<QByteArray> PipeTee::peek(int source, qsizetype n, int sourceCapacity,
                                        const QString &name, Error *error)
{
    if (n < 0)
        return failure(error, Error(QStringLiteral("peek %1: byte count %2 is negative").arg(name).arg(n)));
    if (n == 0)
        return QByteArray();
    int fds[2];
    if (Sys::pipe2(fds, O_NONBLOCK) != 0) {
        const int code = errno;
        return failure(error, code, QStringLiteral("pipe2 for peeking ") + name);
    }
    const Fd privateRead(fds[0]);
    const Fd privateWrite(fds[1]);
    growPrivatePipe(privateWrite.get(), neededCapacity(n, sourceCapacity));

    // EAGAIN: nothing queued (or the private pipe is full, impossible here). 0: every writer is
    // gone and the pipe is empty, or the real reader drained it between tee's emptiness check
    // and its copy (docs/kernel-behaviour.md §4 trap 1) -- either way there is nothing to show now.
    const ssize_t copied = Sys::tee(source, privateWrite.get(), size_t(n), SPLICE_F_NONBLOCK);
    if (copied < 0 && errno == EAGAIN)
        return QByteArray();
    if (copied < 0) {
        const int code = errno;
        return failure(error, code, QStringLiteral("tee from ") + name);
    }

    QByteArray bytes(qsizetype(copied), Qt::Uninitialized);
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t got = Sys::read(privateRead.get(), bytes.data() + done, size_t(bytes.size() - done));
        if (got <= 0) {
            const int code = got < 0 ? errno : EIO;
            return failure(error, code, QStringLiteral("read of the private peek pipe for ") + name);
        }
        done += got;
    }
    return bytes;
}

} // namespace PipeScope
