#pragma once
/// \file pipehandle.h
/// Internal to PipeProbe: a short-lived fd on the pipe a probe names, with the checks and the
/// error messages for getting it. A handle on another process's pipe or on a FIFO path is a
/// fresh read-only O_NONBLOCK open that the handle closes when it goes out of scope: holding
/// it longer would hide SIGPIPE from the writer (docs/kernel-behaviour.md §3), so callers keep it for one
/// query only.

#include "error.h"
#include "fd.h"

#include <QString>

#include <sys/stat.h>

namespace PipeScope {

class PipeHandle
{
public:
    enum class Access { Any, Read };

    /// Our own \a fd, borrowed and never closed. With Access::Read and a write-only fd,
    /// /proc/self/fd/N is reopened read-only instead, since tee(2) needs a readable source.
    static PipeHandle forOwnFd(int fd, Access access);
    /// Reopens \a procRoot/PID/fd/N read-only, whichever end the process holds: the open runs
    /// on the pipe inode, and a read-only fd never delays the reader's EOF.
    static PipeHandle forProcessFd(qint64 pid, int fd, const QString &procRoot);
    /// Opens the FIFO at \a path read-only and non-blocking. Side effect (docs/kernel-behaviour.md §8): a
    /// writer blocked in open(O_WRONLY) is released by this open and may get SIGPIPE on its
    /// first write once we close; so open FIFOs that already have a reader only.
    static PipeHandle forFifo(const QString &path);

    /// st_dev of pipefs, where every anonymous pipe lives (FIFOs live on real filesystems);
    /// 0 if no pipe could be made to find out.
    static quint64 pipefsDevice();

    bool isValid() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    /// Why the handle is not valid; empty when it is.
    const Error &error() const { return m_error; }
    /// What the fd shows in /proc: "pipe:[INODE]", or a FIFO's path (" (deleted)" once unlinked).
    QString target() const { return m_target; }
    const struct stat &status() const { return m_status; }
    /// "fd 3", "/proc/812/fd/3" or "/tmp/f", for messages.
    QString name() const { return m_name; }

private:
    explicit PipeHandle(const QString &name) : m_name(name) { }
    PipeHandle &fail(int error, const QString &message);
    PipeHandle &failSyscall(const char *syscall, const QString &path, int error,
                            const QString &hint = QString());
    /// O_PATH lookup of \a path (links followed if \a followLinks: /proc/PID/fd/N are links),
    /// fstat of that descriptor, and only if it is a FIFO (the one in m_status, if set) an
    /// O_RDONLY|O_NONBLOCK open of that descriptor through /proc/self/fd.
    bool openVerified(const QString &path, const QString &permissionHint, bool followLinks = true);
    void checkProcessFd(qint64 pid, int fd, const QString &procRoot);
    PipeHandle &failMissing(qint64 pid, int fd, const QString &procRoot, int error);

    Fd m_owned;
    int m_fd = -1;
    Error m_error;
    QString m_target;
    QString m_name;
    struct stat m_status = {};
};

} // namespace PipeScope
