#pragma once
/// \file sys.h
/// Thin syscall wrappers used by all of PipeScope's systems code.
///
/// Every call that can be interrupted is retried on EINTR here, once, so no caller has to.
/// close() is the exception: on Linux the descriptor is gone even when close() reports
/// EINTR, so retrying could close an fd another thread just opened (see close(2)).
/// Return values keep the kernel's convention (-1 and errno), so callers can tell
/// "would block" (EAGAIN) apart from a real error.

#include <QString>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

namespace PipeScope::Sys {

template<typename Call>
inline auto retryOnEintr(Call call)
{
    decltype(call()) result;
    do {
        result = call();
    } while (result == -1 && errno == EINTR);
    return result;
}

inline ssize_t read(int fd, void *buffer, size_t size)
{
    return retryOnEintr([&] { return ::read(fd, buffer, size); });
}

inline ssize_t pread(int fd, void *buffer, size_t size, off_t offset)
{
    return retryOnEintr([&] { return ::pread(fd, buffer, size, offset); });
}

inline ssize_t write(int fd, const void *data, size_t size)
{
    return retryOnEintr([&] { return ::write(fd, data, size); });
}

inline ssize_t writev(int fd, const iovec *iov, int count)
{
    return retryOnEintr([&] { return ::writev(fd, iov, count); });
}

inline int open(const char *path, int flags, mode_t mode = 0)
{
    return retryOnEintr([&] { return ::open(path, flags | O_CLOEXEC, mode); });
}

/// A pidfd of \a pid (pidfd_open(2): close-on-exec, readable once the process has exited), or
/// -1 with ENOSYS before Linux 5.3. Race-free only for a child not yet reaped.
inline int pidfdOpen(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

inline int pipe2(int fds[2], int flags)
{
    return retryOnEintr([&] { return ::pipe2(fds, flags | O_CLOEXEC); });
}

inline int fcntl(int fd, int command)
{
    return retryOnEintr([&] { return ::fcntl(fd, command); });
}

inline int fcntl(int fd, int command, int argument)
{
    return retryOnEintr([&] { return ::fcntl(fd, command, argument); });
}

/// Bytes queued in the pipe (works on either end of a pipe or FIFO), or -1 and errno.
inline int queuedBytes(int fd)
{
    int queued = 0;
    const int rc = retryOnEintr([&] { return ::ioctl(fd, FIONREAD, &queued); });
    return rc == -1 ? -1 : queued;
}

/// strerror(3) as a QString, for messages that name the syscall, the path or fd, and this.
inline QString errorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// close(2) without the EINTR retry (the fd is released either way on Linux).
inline void close(int fd)
{
    if (fd >= 0)
        ::close(fd);
}

// Added for the kernel probe (PipeProbe).

/// tee(2): duplicates up to \a length queued bytes of pipe \a in into pipe \a out without
/// consuming them. -1 and EAGAIN means "nothing to copy now"; 0 is not a reliable EOF.
inline ssize_t tee(int in, int out, size_t length, unsigned int flags)
{
    return retryOnEintr([&] { return ::tee(in, out, length, flags); });
}

inline int fstat(int fd, struct stat *status)
{
    return retryOnEintr([&] { return ::fstat(fd, status); });
}

/// stat(2): follows symlinks, so on /proc/PID/fd/N it describes the open file itself.
inline int stat(const char *path, struct stat *status)
{
    return retryOnEintr([&] { return ::stat(path, status); });
}

/// readlink(2): the result is not NUL-terminated; returns its length or -1.
inline ssize_t readlink(const char *path, char *buffer, size_t size)
{
    return retryOnEintr([&] { return ::readlink(path, buffer, size); });
}

} // namespace PipeScope::Sys
