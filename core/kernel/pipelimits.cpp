#include "pipelimits.h"

#include <QFile>

#include <cerrno>
#include <unistd.h>

namespace PipeScope {

namespace {

qint64 readSysctl(const QString &procRoot, const char *name)
{
    QFile file(procRoot + QLatin1String("/sys/fs/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    bool ok = false;
    const qint64 value = file.readAll().trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

QString explainPermission(qint64 bytes, const QString &procRoot)
{
    const qint64 maxSize = PipeLimits::pipeMaxSize(procRoot);
    if (maxSize >= 0 && PipeLimits::roundedCapacity(bytes) > maxSize) {
        return QStringLiteral("%1 bytes is above /proc/sys/fs/pipe-max-size (%2), "
                              "which needs CAP_SYS_RESOURCE")
                .arg(bytes)
                .arg(maxSize);
    }
    // Below the maximum, EPERM only comes from the per-user accounting in pipe_set_size().
    return QStringLiteral("this user's pipes already use the per-user limit "
                          "/proc/sys/fs/pipe-user-pages-soft (%1 pages) or -hard (%2); "
                          "a bigger pipe needs CAP_SYS_RESOURCE or CAP_SYS_ADMIN")
            .arg(PipeLimits::userPagesSoft(procRoot))
            .arg(PipeLimits::userPagesHard(procRoot));
}

QString explainBusy(qint64 bytes, qint64 queued)
{
    const qint64 newSlots = PipeLimits::roundedCapacity(bytes) / PipeLimits::pageSize();
    if (queued < 0) {
        return QStringLiteral("the queued bytes use more page slots than the %1 of the new size")
                .arg(newSlots);
    }
    return QStringLiteral("%1 bytes queued use at least %2 page slots (more if written in "
                          "pieces), more than the %3 of the new size")
            .arg(queued)
            .arg(PipeLimits::minimumSlots(queued))
            .arg(newSlots);
}

} // namespace

int PipeLimits::pageSize()
{
    static const int size = int(::sysconf(_SC_PAGESIZE));
    return size;
}

qint64 PipeLimits::roundedCapacity(qint64 bytes)
{
    const qint64 page = pageSize();
    if (bytes < 0 || bytes > (qint64(1) << 31))
        return 0;
    qint64 capacity = page;
    while (capacity < bytes)
        capacity *= 2;
    return capacity;
}

qint64 PipeLimits::minimumSlots(qint64 queued)
{
    const qint64 page = pageSize();
    return queued <= 0 ? 0 : (queued + page - 1) / page;
}

qint64 PipeLimits::pipeMaxSize(const QString &procRoot)
{
    return readSysctl(procRoot, "pipe-max-size");
}

qint64 PipeLimits::userPagesSoft(const QString &procRoot)
{
    return readSysctl(procRoot, "pipe-user-pages-soft");
}

qint64 PipeLimits::userPagesHard(const QString &procRoot)
{
    return readSysctl(procRoot, "pipe-user-pages-hard");
}

QString PipeLimits::explainSetSizeError(int error, qint64 bytes, qint64 queued,
                                        const QString &procRoot)
{
    switch (error) {
    case EPERM:
        return explainPermission(bytes, procRoot);
    case EBUSY:
        return explainBusy(bytes, queued);
    default:
        return QString();
    }
}

} // namespace PipeScope
