#include "pipelevel.h"

#include "fd.h"
#include "sys.h"

#include <QByteArray>

#include <fcntl.h>
#include <sys/stat.h>

namespace PipeScope::PipeLevels {

PipeLevel read(int procFd, qint64 pid, int fd, quint64 inode)
{
    PipeLevel level;
    const QByteArray path = QByteArray::number(pid) + "/fd/" + QByteArray::number(fd);
    const Fd end(Sys::retryOnEintr(
            [&] { return ::openat(procFd, path.constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC); }));
    if (!end) {
        level.error = Error::fromErrno(errno);
        return level;
    }
    struct stat status;
    if (Sys::fstat(end.get(), &status) != 0 || !S_ISFIFO(status.st_mode) || quint64(status.st_ino) != inode) {
        level.error = Error::fromErrno(ESTALE); // the process put something else on that fd meanwhile
        return level;
    }
    const int queued = Sys::queuedBytes(end.get());
    const int capacity = Sys::fcntl(end.get(), F_GETPIPE_SZ);
    if (queued < 0 || capacity < 0) {
        level.error = Error::fromErrno(errno);
        return level;
    }
    level.queued = queued;
    level.capacity = capacity;
    return level;
}

} // namespace PipeScope::PipeLevels
