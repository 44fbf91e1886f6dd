#pragma once
/// \file procdirectory.h
/// Internal to the explorer: the few file operations a /proc scan makes, relative to a
/// directory fd (openat/readlinkat/fstatat), so each path is resolved once per process and the
/// scan stays near the cost of the C scanner in kernel-facts §7. Errors are returned as errno
/// values; /proc files vanish at any moment and that is a normal outcome, not a failure.

#include "fd.h"

#include <QByteArray>

#include <optional>

#include <dirent.h>
#include <sys/stat.h>

namespace PipeScope {

class ProcDirectory
{
public:
    /// Opens \a name (relative to \a dirFd, or absolute) as a directory; check isValid().
    ProcDirectory(int dirFd, const char *name);
    ~ProcDirectory();
    ProcDirectory(const ProcDirectory &) = delete;
    ProcDirectory &operator=(const ProcDirectory &) = delete;

    bool isValid() const { return m_dir != nullptr; }
    int error() const { return m_error; }
    int fd() const;
    /// The next entry name other than "." and "..", or nullptr at the end.
    const char *next();

    /// Up to \a max bytes of file \a name (relative to \a dirFd); nullopt with *error set.
    static std::optional<QByteArray> readFile(int dirFd, const char *name, qsizetype max,
                                              int *error);
    /// One read(2) of at most 4096 bytes. Enough for the one-record files (stat, wchan,
    /// syscall, fdinfo): procfs fills the buffer in a single call and a second read would only
    /// return the EOF, one syscall more per file.
    static std::optional<QByteArray> readSmallFile(int dirFd, const char *name, int *error);
    /// readlinkat: the link text, or nullopt with *error set.
    static std::optional<QByteArray> readLink(int dirFd, const char *name, int *error);
    /// fstatat; \a follow false gives the link itself (lstat).
    static bool stat(int dirFd, const char *name, bool follow, struct stat *status, int *error);

private:
    DIR *m_dir = nullptr;
    int m_error = 0;
};

} // namespace PipeScope
