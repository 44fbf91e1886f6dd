#include "pipehandle.h"

#include "sys.h"

#include <QFile>

#include <climits>
#include <cstring>

namespace PipeScope {

namespace {

// Reaching another process's pipe takes ptrace READ access to the process and then the pipe
// inode's own 0600 owner check; both are measured in docs/kernel-behaviour.md §3.
const QLatin1String foreignPermissionHint(
        " (needs the same user and a pipe that user created, "
        "or CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH)");


bool isPermissionError(int error)
{
    return error == EACCES || error == EPERM;
}

/// The link's text, or an empty string if it cannot be read.
QString readLink(const QString &path)
{
    char buffer[PATH_MAX];
    const ssize_t length = Sys::readlink(QFile::encodeName(path).constData(), buffer,
                                         sizeof buffer);
    return length < 0 ? QString() : QFile::decodeName(QByteArray(buffer, length));
}

bool sameFile(const struct stat &a, const struct stat &b)
{
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/// For "is not a pipe (...)": the /proc link text if we have it, else the file type.
QString whatItIs(const QString &target, mode_t mode)
{
    if (!target.isEmpty())
        return target;
    if (S_ISREG(mode))
        return QStringLiteral("regular file");
    if (S_ISDIR(mode))
        return QStringLiteral("directory");
    if (S_ISSOCK(mode))
        return QStringLiteral("socket");
    if (S_ISCHR(mode))
        return QStringLiteral("character device");
    if (S_ISBLK(mode))
        return QStringLiteral("block device");
    if (S_ISLNK(mode))
        return QStringLiteral("symbolic link, not followed");
    return QStringLiteral("mode 0%1").arg(mode, 0, 8);
}

/// What /proc shows for the file behind \a link. For an anonymous pipe that is always
/// "pipe:[INODE]", so the readlink (about 3 us, docs/kernel-behaviour.md §7) is only paid for FIFOs and
/// for files that are not pipes, where the path goes into a message.
QString targetOf(const QString &link, const struct stat &status)
{
    if (S_ISFIFO(status.st_mode) && quint64(status.st_dev) == PipeHandle::pipefsDevice())
        return QStringLiteral("pipe:[%1]").arg(quint64(status.st_ino));
    return readLink(link);
}

} // namespace

quint64 PipeHandle::pipefsDevice()
{
    static const quint64 device = [] {
        int fds[2];
        if (Sys::pipe2(fds, 0) != 0)
            return quint64(0);
        struct stat status = {};
        const int rc = Sys::fstat(fds[0], &status);
        Sys::close(fds[0]);
        Sys::close(fds[1]);
        return rc == 0 ? quint64(status.st_dev) : quint64(0);
    }();
    return device;
}

PipeHandle &PipeHandle::fail(int error, const QString &message)
{
    m_owned.close();
    m_fd = -1;
    m_error = Error(message, error);
    return *this;
}

PipeHandle &PipeHandle::failSyscall(const char *syscall, const QString &path, int error,
                                    const QString &hint)
{
    return fail(error, QStringLiteral("%1 %2: %3%4")
                               .arg(QLatin1String(syscall), path, Sys::errorText(error), hint));
}

PipeHandle &PipeHandle::failMissing(qint64 pid, int fd, const QString &procRoot, int error)
{
    struct stat process = {};
    const QString processDir = QStringLiteral("%1/%2").arg(procRoot).arg(pid);
    if (Sys::stat(QFile::encodeName(processDir).constData(), &process) != 0 && errno == ENOENT)
        return fail(ESRCH, QStringLiteral("no process %1").arg(pid));
    return fail(error, QStringLiteral("process %1 has no fd %2").arg(pid).arg(fd));
}

bool PipeHandle::openVerified(const QString &path, const QString &permissionHint, bool followLinks)
{
    // The path is only looked up, with O_PATH: that opens nothing (no device, terminal or
    // root-only file is ever opened, whatever is swapped in at the path), and what it found is
    // fstat()ed. Only a FIFO, the one checked before, is then opened, through
    // /proc/self/fd/N of that very descriptor, so no second path lookup can land elsewhere.
    Fd located(Sys::open(QFile::encodeName(path).constData(), O_PATH | (followLinks ? 0 : O_NOFOLLOW)));
    struct stat status = {};
    if (!located.isValid() || Sys::fstat(located.get(), &status) != 0) {
        const int error = errno;
        failSyscall("open", path, error, isPermissionError(error) ? permissionHint : QString());
        return false;
    }
    if (m_status.st_ino != 0 && !sameFile(status, m_status)) {
        fail(EAGAIN, QStringLiteral("%1 changed while it was probed, try again").arg(path));
        return false;
    }
    if (!S_ISFIFO(status.st_mode)) {
        fail(EINVAL, QStringLiteral("%1 is not a FIFO (%2)").arg(path, whatItIs(QString(), status.st_mode)));
        return false;
    }
    // O_NOCTTY for good measure; the inode is a FIFO by now.
    const QString reopen = QStringLiteral("/proc/self/fd/%1").arg(located.get());
    Fd opened(Sys::open(QFile::encodeName(reopen).constData(), O_RDONLY | O_NONBLOCK | O_NOCTTY));
    if (!opened.isValid() || Sys::fstat(opened.get(), &status) != 0) {
        const int error = errno;
        failSyscall("open", path, error, isPermissionError(error) ? permissionHint : QString());
        return false;
    }
    m_status = status;
    m_owned = std::move(opened);
    m_fd = m_owned.get();
    return true;
}

PipeHandle PipeHandle::forOwnFd(int fd, Access access)
{
    PipeHandle handle(QStringLiteral("fd %1").arg(fd));
    if (Sys::fstat(fd, &handle.m_status) != 0) {
        handle.failSyscall("fstat", handle.m_name, errno);
        return handle;
    }
    const QString self = QStringLiteral("/proc/self/fd/%1").arg(fd);
    handle.m_target = targetOf(self, handle.m_status);
    if (!S_ISFIFO(handle.m_status.st_mode)) {
        handle.fail(EINVAL, QStringLiteral("fd %1 is not a pipe (%2)")
                                    .arg(fd)
                                    .arg(whatItIs(handle.m_target, handle.m_status.st_mode)));
        return handle;
    }
    const int flags = Sys::fcntl(fd, F_GETFL);
    if (access == Access::Read && flags != -1 && (flags & O_ACCMODE) == O_WRONLY)
        handle.openVerified(self, QString());
    else
        handle.m_fd = fd;
    return handle;
}

void PipeHandle::checkProcessFd(qint64 pid, int fd, const QString &procRoot)
{
    // stat() first, so a terminal, socket or device is never opened; it also runs the same
    // ptrace check as readlink, so its errors are the ones to report.
    if (Sys::stat(QFile::encodeName(m_name).constData(), &m_status) != 0) {
        const int error = errno;
        if (error == ENOENT)
            failMissing(pid, fd, procRoot, error);
        else
            failSyscall("stat", m_name, error,
                        isPermissionError(error) ? QString(foreignPermissionHint) : QString());
        return;
    }
    m_target = targetOf(m_name, m_status);
    if (!S_ISFIFO(m_status.st_mode)) {
        fail(EINVAL, QStringLiteral("fd %1 of process %2 is not a pipe (%3)")
                             .arg(fd)
                             .arg(pid)
                             .arg(whatItIs(m_target, m_status.st_mode)));
    }
}

PipeHandle PipeHandle::forProcessFd(qint64 pid, int fd, const QString &procRoot)
{
    PipeHandle handle(QStringLiteral("%1/%2/fd/%3").arg(procRoot).arg(pid).arg(fd));
    handle.checkProcessFd(pid, fd, procRoot);
    if (handle.m_error)
        return handle;
    if (!handle.openVerified(handle.m_name, foreignPermissionHint) && handle.m_error.code() == ENOENT)
        handle.failMissing(pid, fd, procRoot, ENOENT); // the process closed it meanwhile
    return handle;
}

PipeHandle PipeHandle::forFifo(const QString &path)
{
    PipeHandle handle(path);
    handle.m_target = path;
    // No stat() of the path first: what is checked is the descriptor openVerified() holds.
    // A symlink is not followed (O_NOFOLLOW): in a shared directory anyone may plant one.
    handle.openVerified(path, QString(), false);
    return handle;
}

} // namespace PipeScope
