#include "pipeprobe.h"

#include "pipehandle.h"
#include "pipelimits.h"
#include "pipetee.h"
#include "sys.h"

#include <QRegularExpression>

#include <cstring>
#include <limits>
#include <sys/types.h>

namespace PipeScope {

namespace {


template<typename T>
std::optional<T> failure(Error *error, const Error &failed)
{
    Error::report(error, failed);
    return std::nullopt;
}

PipeSample failedSample(const Error &error)
{
    PipeSample sample;
    sample.error = error;
    return sample;
}

bool isFifo(const PipeHandle &handle)
{
    if (const quint64 pipefs = PipeHandle::pipefsDevice())
        return quint64(handle.status().st_dev) != pipefs;
    // pipefs names anonymous pipes "pipe:[INODE]" in /proc; anything else is a FIFO's path.
    return !handle.target().startsWith(QLatin1String("pipe:["));
}

Error syntaxError(const QString &spec, const QString &why)
{
    return Error(QStringLiteral("bad pipe '%1': %2 (expected FD, PID:FD or a FIFO path; "
                          "write ./%1 for a FIFO in the current directory)")
                         .arg(spec, why));
}

} // namespace

PipeProbe::PipeProbe(Target target, qint64 pid, int fd, const QString &path,
                     const QString &procRoot)
    : m_target(target), m_pid(pid), m_fd(fd), m_path(path), m_procRoot(procRoot)
{
}

PipeProbe PipeProbe::forFd(int fd)
{
    return PipeProbe(Target::OwnFd, -1, fd, QString());
}

PipeProbe PipeProbe::forProcessFd(qint64 pid, int fd, const QString &procRoot)
{
    return PipeProbe(Target::ProcessFd, pid, fd, QString(), procRoot);
}

PipeProbe PipeProbe::forFifo(const QString &path)
{
    return PipeProbe(Target::FifoPath, -1, -1, path);
}

std::optional<PipeProbe> PipeProbe::fromSpec(const QString &spec, Error *error)
{
    if (spec.isEmpty())
        return failure<PipeProbe>(error, Error(QStringLiteral("empty pipe: expected FD, PID:FD or a FIFO path")));
    if (spec.contains(u'/'))
        return forFifo(spec);
    // [0-9], not \\d (which also matches other scripts' digits).
    static const QRegularExpression numeric(QStringLiteral("^([0-9]+)(?::([0-9]+))?$"));
    const QRegularExpressionMatch match = numeric.match(spec);
    if (!match.hasMatch()) {
        // Names that look numeric or contain ':' are almost surely a mistyped FD or PID:FD.
        if (spec.front().isDigit() || spec.front() == u'-' || spec.front() == u'+'
            || spec.contains(u':'))
            return failure<PipeProbe>(error, syntaxError(spec, QStringLiteral("not a number")));
        return forFifo(spec);
    }
    bool firstOk = false;
    bool fdOk = false;
    if (!match.hasCaptured(2)) {
        const int fd = match.captured(1).toInt(&fdOk);
        if (!fdOk)
            return failure<PipeProbe>(error, syntaxError(spec, QStringLiteral("fd out of range")));
        return forFd(fd);
    }
    const qint64 pid = match.captured(1).toLongLong(&firstOk);
    const int fd = match.captured(2).toInt(&fdOk);
    // pid_t is an int: a larger PID would name no process, or wrap to another one.
    if (!firstOk || pid <= 0 || pid > std::numeric_limits<pid_t>::max())
        return failure<PipeProbe>(error, syntaxError(spec, QStringLiteral("PID must be from 1 to %1")
                                                                   .arg(std::numeric_limits<pid_t>::max())));
    if (!fdOk)
        return failure<PipeProbe>(error, syntaxError(spec, QStringLiteral("fd out of range")));
    return forProcessFd(pid, fd);
}

QString PipeProbe::describe() const
{
    switch (m_target) {
    case Target::OwnFd:
        return QStringLiteral("fd %1").arg(m_fd);
    case Target::ProcessFd:
        return QStringLiteral("%1/%2/fd/%3").arg(m_procRoot).arg(m_pid).arg(m_fd);
    case Target::FifoPath:
        break;
    }
    return m_path;
}

PipeHandle PipeProbe::open(bool forReading) const
{
    switch (m_target) {
    case Target::OwnFd:
        return PipeHandle::forOwnFd(m_fd, forReading ? PipeHandle::Access::Read
                                                     : PipeHandle::Access::Any);
    case Target::ProcessFd:
        return PipeHandle::forProcessFd(m_pid, m_fd, m_procRoot);
    case Target::FifoPath:
        break;
    }
    return PipeHandle::forFifo(m_path);
}

PipeSample PipeProbe::sample() const
{
    const PipeHandle handle = open(false);
    if (!handle.isValid())
        return failedSample(handle.error());
    PipeSample sample;
    sample.inode = quint64(handle.status().st_ino);
    sample.device = quint64(handle.status().st_dev);
    sample.isFifo = m_target == Target::FifoPath || isFifo(handle);
    if (sample.isFifo) {
        static const QLatin1String deletedSuffix(" (deleted)");
        sample.fifoPath = handle.target();
        sample.fifoDeleted = m_target != Target::FifoPath && sample.fifoPath.endsWith(deletedSuffix);
        if (sample.fifoDeleted)
            sample.fifoPath.chop(deletedSuffix.size());
    }
    sample.queued = Sys::queuedBytes(handle.fd());
    if (sample.queued < 0) {
        const int code = errno;
        return failedSample(Error::fromErrno(code, QStringLiteral("ioctl FIONREAD on ") + handle.name()));
    }
    sample.capacity = Sys::fcntl(handle.fd(), F_GETPIPE_SZ);
    if (sample.capacity < 0) {
        const int code = errno;
        return failedSample(Error::fromErrno(code, QStringLiteral("fcntl F_GETPIPE_SZ on ") + handle.name()));
    }
    sample.ok = true;
    return sample;
}

std::optional<QByteArray> PipeProbe::peek(qsizetype n, Error *error) const
{
    if (n < 0) {
        return failure<QByteArray>(error, Error(QStringLiteral("peek %1: byte count %2 is negative")
                                                        .arg(describe())
                                                        .arg(n)));
    }
    const PipeHandle handle = open(true);
    if (!handle.isValid())
        return failure<QByteArray>(error, handle.error());
    const int capacity = Sys::fcntl(handle.fd(), F_GETPIPE_SZ);
    if (capacity < 0) {
        const int code = errno;
        return failure<QByteArray>(error, Error::fromErrno(code, QStringLiteral("fcntl F_GETPIPE_SZ on ") + handle.name()));
    }
    return PipeTee::peek(handle.fd(), n, capacity, handle.name(), error);
}

std::optional<int> PipeProbe::setCapacity(int bytes, Error *error) const
{
    // Either end may resize (docs/kernel-behaviour.md §2), so the read-only handle is enough.
    const PipeHandle handle = open(false);
    if (!handle.isValid())
        return failure<int>(error, handle.error());
    const int set = Sys::fcntl(handle.fd(), F_SETPIPE_SZ, bytes);
    if (set >= 0)
        return set;
    const int setError = errno;
    const QString why = PipeLimits::explainSetSizeError(setError, bytes,
                                                        Sys::queuedBytes(handle.fd()), m_procRoot);
    QString message = QStringLiteral("fcntl F_SETPIPE_SZ %1 on %2: %3")
                              .arg(bytes)
                              .arg(handle.name(), Sys::errorText(setError));
    if (!why.isEmpty())
        message += QLatin1String(": ") + why;
    return failure<int>(error, Error(message, setError));
}

} // namespace PipeScope
