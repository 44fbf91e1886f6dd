#pragma once
/// \file procdirectory.h
/// Internal to the explorer: the few file operations a /proc scan makes, relative to a
/// directory fd (openat/readlinkat/fstatat), so each path is resolved once per process and the
/// scan stays near the cost of the C scanner in docs/kernel-behaviour.md §7. Errors are returned as errno
/// values; /proc files vanish at any moment and that is a normal outcome, not a failure.

#include "error.h"
#include "fd.h"

#include <QByteArray>

#include <optional>

#include <sys/stat.h>

namespace PipeScope {

class ProcDirectory
{
public:
    enum class Listing {
        UntilEmpty,   ///< getdents64 until it returns 0 (any file system)
        ShortReadEnds ///< procfs: a read that leaves room for another entry was the last one
    };
    /// Opens \a name (relative to \a dirFd, or absolute) as a directory; check isValid().
    ProcDirectory(int dirFd, const char *name, Listing listing = Listing::UntilEmpty);
    ProcDirectory(const ProcDirectory &) = delete;
    ProcDirectory &operator=(const ProcDirectory &) = delete;

    bool isValid() const { return m_fd.isValid(); }
    /// Why the directory did not open (errno only: strerror is its message).
    Error error() const { return Error::fromErrno(m_error); }
    int fd() const { return m_fd.get(); }
    /// The next entry name other than "." and "..", or nullptr at the end (or on an error,
    /// such as the process exiting while its fds are listed).
    const char *next();

    // The calls below are the scanner's hot path: their errors are Error::fromErrno(errno),
    // code only, no message built (message() gives strerror); \a error may be nullptr.

    /// Whether \a dirFd is on procfs (where ShortReadEnds holds).
    static bool isProcfs(int dirFd);
    /// Up to \a max bytes of file \a name (relative to \a dirFd) in one read (procfs gives
    /// all it has in one); nullopt with *error set.
    static std::optional<QByteArray> readFile(int dirFd, const char *name, qsizetype max,
                                              Error *error);
    /// One read(2) of at most 4096 bytes. Enough for the one-record files (stat, wchan,
    /// syscall, fdinfo): procfs fills the buffer in a single call and a second read would only
    /// return the EOF, one syscall more per file.
    static std::optional<QByteArray> readSmallFile(int dirFd, const char *name, Error *error);
    /// readlinkat into \a buffer (not NUL-terminated): the length, or -1 with *error set.
    static ssize_t readLink(int dirFd, const char *name, char *buffer, size_t size, Error *error);
    /// fstatat; \a follow false gives the link itself (lstat).
    static bool stat(int dirFd, const char *name, bool follow, struct stat *status, Error *error);

private:
    bool fill();

    Fd m_fd;
    int m_error = 0;
    Listing m_listing;
    bool m_lastRead = false;
    size_t m_size = 0;
    size_t m_offset = 0;
    alignas(8) char m_buffer[16384];
};

} // namespace PipeScope
