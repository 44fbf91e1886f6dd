#include "fifoopentarget.h"

#include "fd.h"
#include "procdirectory.h"
#include "sys.h"

#include <QDir>
#include <QFile>

#include <climits>
#include <cstring>

namespace PipeScope::FifoOpenTarget {

namespace {

std::optional<int> openFlags(int memFd, const ProcParsers::OpenCall &call)
{
    if (call.flags)
        return call.flags;
    quint64 flags = 0; // openat2: struct open_how begins with the u64 flags
    if (Sys::pread(memFd, &flags, sizeof flags, off_t(call.howAddress)) != ssize_t(sizeof flags))
        return std::nullopt;
    return int(flags);
}

/// Where the kernel starts resolving \a path for the task: its root, its cwd or a dirfd.
QByteArray baseOf(const char *pid, const QByteArray &path, int dirFd)
{
    if (path.startsWith('/'))
        return QByteArray(pid) + "/root";
    if (dirFd == AT_FDCWD)
        return QByteArray(pid) + "/cwd";
    return QByteArray(pid) + "/fd/" + QByteArray::number(dirFd);
}

QString shownPath(int procFd, const QByteArray &base, const QByteArray &path)
{
    if (path.startsWith('/'))
        return QDir::cleanPath(QFile::decodeName(path));
    char buffer[PATH_MAX];
    const ssize_t length = ProcDirectory::readLink(procFd, base.constData(), buffer, sizeof buffer, nullptr);
    const QString directory = length > 0 ? QFile::decodeName(QByteArray(buffer, length)) : QString();
    return QDir::cleanPath(directory + u'/' + QFile::decodeName(path));
}

/// The NUL-terminated string at \a address of the memory file \a memFd, up to PATH_MAX bytes.
std::optional<QByteArray> readString(int memFd, quint64 address)
{
    QByteArray text;
    while (text.size() < PATH_MAX) {
        // Reads never cross a 512-byte boundary, hence never a page boundary: the page after
        // the string may be unmapped, and a read reaching into it fails whole.
        char chunk[512];
        const size_t want = sizeof chunk - address % sizeof chunk;
        const ssize_t got = Sys::pread(memFd, chunk, want, off_t(address));
        if (got <= 0)
            return std::nullopt;
        if (const void *end = std::memchr(chunk, 0, size_t(got)))
            return text + QByteArray(chunk, static_cast<const char *>(end) - chunk);
        text += QByteArray(chunk, got);
        address += quint64(got);
    }
    return std::nullopt;
}

} // namespace

bool resolve(int procFd, const char *pid, const SyscallInfo &syscall, ThreadWait *wait)
{
    const std::optional<ProcParsers::OpenCall> call = ProcParsers::openCall(syscall);
    if (!call)
        return false;
    const Fd mem(::openat(procFd, (QByteArray(pid) + "/mem").constData(), O_RDONLY | O_CLOEXEC));
    if (!mem.isValid())
        return false;
    const std::optional<QByteArray> path = readString(mem.get(), call->pathAddress);
    const std::optional<int> flags = openFlags(mem.get(), *call);
    if (!path || path->isEmpty() || !flags)
        return false;
    const QByteArray base = baseOf(pid, *path, call->dirFd);
    struct stat status = {};
    if (!ProcDirectory::stat(procFd, (base + '/' + *path).constData(), true, &status, nullptr)
        || !S_ISFIFO(status.st_mode))
        return false;
    wait->fifo = { PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) };
    wait->fifoPath = shownPath(procFd, base, *path);
    wait->openMode = ProcParsers::modeFromFlags(*flags);
    return true;
}

} // namespace PipeScope::FifoOpenTarget
