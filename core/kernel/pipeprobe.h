#pragma once
/// \file pipeprobe.h
/// Live kernel state of one pipe or FIFO: inode, kind, queued bytes, capacity, a peek at the
/// queued bytes, and resizing. Works on an fd this process holds, on /proc/PID/fd/N of any
/// process we may inspect, and on a FIFO path.
///
/// Non-destructive by design (docs/kernel-behaviour.md §3, §4, §8): another process's pipe is reached by
/// reopening /proc/PID/fd/N read-only, O_NONBLOCK, and that fd is closed before the call
/// returns -- holding it would keep a writer alive past its reader (no SIGPIPE) and a write end
/// would delay the reader's EOF. The write end is never opened. A peek uses tee(2), which
/// copies without consuming. A probe object holds no fd at all; every call opens and closes.
///
/// Side effect on FIFOs: opening a FIFO read-only -- by path, and also through /proc/PID/fd/N,
/// which takes the same FIFO open path -- releases a writer blocked in open(O_WRONLY), which
/// may then die of SIGPIPE on its first write after we close. Probe a FIFO only when a reader
/// already holds it (the explorer checks this). Anonymous pipes have no such effect.

#include "error.h"
#include "pipescopeexport.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PipeScope {

class PipeHandle;

/// One reading of a pipe's kernel state.
struct PIPESCOPE_CORE_EXPORT PipeSample
{
    /// true: the pipe was sampled. false: see error, the other fields are unset (a
    /// default-constructed sample was never taken, so it is not ok either, and has no error).
    bool ok = false;
    /// Empty on success; else e.g. "open /proc/812/fd/3: Permission denied (needs ...)", with
    /// its errno (ESRCH: no such process, EINVAL: not a pipe).
    Error error;
    quint64 inode = 0;
    quint64 device = 0;   ///< st_dev: pipefs for anonymous pipes, the filesystem for FIFOs
    bool isFifo = false;  ///< a FIFO (named pipe) rather than an anonymous pipe
    QString fifoPath;     ///< the FIFO's path, without the " (deleted)" the kernel appends
    bool fifoDeleted = false;
    qint64 queued = -1;   ///< FIONREAD: bytes waiting in the pipe
    qint64 capacity = -1; ///< F_GETPIPE_SZ in bytes (a power-of-two number of pages)
};

class PIPESCOPE_CORE_EXPORT PipeProbe
{
public:
    enum class Target { OwnFd, ProcessFd, FifoPath };

    /// An fd this process holds. The probe uses it as it is and never closes it or changes
    /// its flags (a peek on a write-only fd reopens /proc/self/fd/N read-only for the tee).
    static PipeProbe forFd(int fd);
    /// Descriptor \a fd of process \a pid, through \a procRoot/PID/fd/N.
    static PipeProbe forProcessFd(qint64 pid, int fd,
                                  const QString &procRoot = QStringLiteral("/proc"));
    /// A FIFO by path (see the side effect in the file comment).
    static PipeProbe forFifo(const QString &path);
    /// "FD", "PID:FD" or a FIFO path (anything with a '/', or a name that is not a number).
    /// nullopt and *error on bad syntax ("12:", "-3", "3x", "").
    static std::optional<PipeProbe> fromSpec(const QString &spec, Error *error);

    Target target() const { return m_target; }
    qint64 pid() const { return m_pid; } ///< -1 unless ProcessFd
    int fd() const { return m_fd; }      ///< -1 for FifoPath
    QString fifoPath() const { return m_path; } ///< the path given to forFifo, else empty
    /// "fd 3", "/proc/812/fd/3" or "/tmp/f".
    QString describe() const;

    /// Inode, kind, queued bytes and capacity, from one short-lived open.
    PipeSample sample() const;
    /// The first \a n queued bytes without consuming them (tee into a private O_NONBLOCK pipe
    /// sized to hold them, up to 1 MiB). An empty pipe gives an empty QByteArray at once, never
    /// blocks. Fewer than min(n, queued) bytes only if the private pipe could not be grown
    /// (per-user pipe page limit) or the real reader consumed some meanwhile.
    /// nullopt + *error on failure.
    std::optional<QByteArray> peek(qsizetype n, Error *error = nullptr) const;
    /// F_SETPIPE_SZ: returns the capacity the kernel set (\a bytes rounded up to a
    /// power-of-two number of pages), or nullopt with *error explaining EPERM (above
    /// /proc/sys/fs/pipe-max-size without CAP_SYS_RESOURCE, or the per-user page limit) and
    /// EBUSY (the queued bytes occupy more page slots than the new size has).
    std::optional<int> setCapacity(int bytes, Error *error = nullptr) const;

private:
    PipeProbe(Target target, qint64 pid, int fd, const QString &path,
              const QString &procRoot = QStringLiteral("/proc"));
    PipeHandle open(bool forReading) const;

    Target m_target;
    qint64 m_pid = -1;
    int m_fd = -1;
    QString m_path;     ///< FifoPath only
    QString m_procRoot; ///< where /proc is (ProcessFd); also used for /proc/sys/fs limits
};

} // namespace PipeScope
