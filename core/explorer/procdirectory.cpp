#include "procdirectory.h"

#include "sys.h"

#include <cstring>

namespace PipeScope {

ProcDirectory::ProcDirectory(int dirFd, const char *name)
{
    Fd fd(Sys::retryOnEintr(
            [&] { return ::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    if (!fd) {
        m_error = errno;
        return;
    }
    m_dir = ::fdopendir(fd.get());
    if (m_dir)
        fd.release(); // the DIR owns it now
    else
        m_error = errno;
}

ProcDirectory::~ProcDirectory()
{
    if (m_dir)
        ::closedir(m_dir);
}

int ProcDirectory::fd() const
{
    return m_dir ? ::dirfd(m_dir) : -1;
}

const char *ProcDirectory::next()
{
    if (!m_dir)
        return nullptr;
    // readdir(3) on a directory being changed (a process exiting) may skip or repeat entries
    // but never fails; errors while reading /proc/PID/fd only end the listing early.
    while (const dirent *entry = ::readdir(m_dir)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            return entry->d_name;
    }
    return nullptr;
}

std::optional<QByteArray> ProcDirectory::readFile(int dirFd, const char *name, qsizetype max,
                                                  int *error)
{
    Fd fd(Sys::retryOnEintr([&] { return ::openat(dirFd, name, O_RDONLY | O_CLOEXEC); }));
    if (!fd) {
        *error = errno;
        return std::nullopt;
    }
    QByteArray data(max, Qt::Uninitialized);
    qsizetype size = 0;
    while (size < max) {
        const ssize_t n = Sys::read(fd.get(), data.data() + size, size_t(max - size));
        if (n < 0) {
            *error = errno;
            return std::nullopt;
        }
        if (n == 0)
            break;
        size += n;
    }
    data.truncate(size);
    return data;
}

std::optional<QByteArray> ProcDirectory::readSmallFile(int dirFd, const char *name, int *error)
{
    Fd fd(Sys::retryOnEintr([&] { return ::openat(dirFd, name, O_RDONLY | O_CLOEXEC); }));
    if (!fd) {
        *error = errno;
        return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = Sys::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
        *error = errno;
        return std::nullopt;
    }
    return QByteArray(buffer, n);
}

std::optional<QByteArray> ProcDirectory::readLink(int dirFd, const char *name, int *error)
{
    char buffer[4096];
    const ssize_t n = ::readlinkat(dirFd, name, buffer, sizeof buffer);
    if (n < 0) {
        *error = errno;
        return std::nullopt;
    }
    return QByteArray(buffer, n);
}

bool ProcDirectory::stat(int dirFd, const char *name, bool follow, struct stat *status,
                         int *error)
{
    const int flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    if (Sys::retryOnEintr([&] { return ::fstatat(dirFd, name, status, flags); }) == 0)
        return true;
    *error = errno;
    return false;
}

} // namespace PipeScope
