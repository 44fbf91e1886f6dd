#include "procdirectory.h"

#include "sys.h"

#include <cstring>
#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>

namespace PipeScope {

ProcDirectory::ProcDirectory(int dirFd, const char *name, Listing listing) : m_listing(listing)
{
    m_fd.reset(Sys::retryOnEintr(
            [&] { return ::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    if (!m_fd)
        m_error = errno;
}

bool ProcDirectory::fill()
{
    if (m_lastRead)
        return false;
    // Raw getdents64 rather than readdir(3): fdopendir costs an fcntl per directory, and
    // on procfs the end is known from a short read without one more empty call. An error
    // (the process exited: ENOENT) ends the listing.
    const ssize_t n = Sys::retryOnEintr(
            [&] { return ::getdents64(m_fd.get(), m_buffer, sizeof m_buffer); });
    if (n <= 0)
        return false;
    m_size = size_t(n);
    m_offset = 0;
    constexpr size_t LargestEntry = sizeof(dirent64) + 256;
    m_lastRead = m_listing == Listing::ShortReadEnds && m_size + LargestEntry < sizeof m_buffer;
    return true;
}

const char *ProcDirectory::next()
{
    for (;;) {
        if (m_offset >= m_size && (!m_fd || !fill()))
            return nullptr;
        const auto *entry = reinterpret_cast<const dirent64 *>(m_buffer + m_offset);
        m_offset += entry->d_reclen;
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            return entry->d_name;
    }
}

bool ProcDirectory::isProcfs(int dirFd)
{
    struct statfs info = {};
    return Sys::retryOnEintr([&] { return ::fstatfs(dirFd, &info); }) == 0
            && info.f_type == PROC_SUPER_MAGIC;
}

std::optional<QByteArray> ProcDirectory::readFile(int dirFd, const char *name, qsizetype max,
                                                  Error *error)
{
    Fd fd(Sys::retryOnEintr([&] { return ::openat(dirFd, name, O_RDONLY | O_CLOEXEC); }));
    if (!fd) {
        Error::report(error, Error::fromErrno(errno));
        return std::nullopt;
    }
    // procfs fills the whole buffer in one read when it has that much (cmdline included), so
    // a short read is the end and a second, empty read would be a wasted syscall.
    QByteArray data(max, Qt::Uninitialized);
    const ssize_t n = Sys::read(fd.get(), data.data(), size_t(max));
    if (n < 0) {
        Error::report(error, Error::fromErrno(errno));
        return std::nullopt;
    }
    data.truncate(n);
    return data;
}

std::optional<QByteArray> ProcDirectory::readSmallFile(int dirFd, const char *name, Error *error)
{
    Fd fd(Sys::retryOnEintr([&] { return ::openat(dirFd, name, O_RDONLY | O_CLOEXEC); }));
    if (!fd) {
        Error::report(error, Error::fromErrno(errno));
        return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = Sys::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
        Error::report(error, Error::fromErrno(errno));
        return std::nullopt;
    }
    return QByteArray(buffer, n);
}

ssize_t ProcDirectory::readLink(int dirFd, const char *name, char *buffer, size_t size,
                                Error *error)
{
    const ssize_t n = ::readlinkat(dirFd, name, buffer, size);
    if (n < 0)
        Error::report(error, Error::fromErrno(errno));
    return n;
}

bool ProcDirectory::stat(int dirFd, const char *name, bool follow, struct stat *status,
                         Error *error)
{
    const int flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    if (Sys::retryOnEintr([&] { return ::fstatat(dirFd, name, status, flags); }) == 0)
        return true;
    Error::report(error, Error::fromErrno(errno));
    return false;
}

} // namespace PipeScope
