#pragma once
/// \file pipelimits.h
/// The kernel's pipe sizing rules (fs/pipe.c), for showing capacities and explaining why
/// F_SETPIPE_SZ refused a size. See docs/kernel-behaviour.md §2 for the measured behaviour.

#include "pipescopeexport.h"

#include <QString>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT PipeLimits
{
public:
    /// Bytes per pipe slot: one page (sysconf(_SC_PAGESIZE), 4096 on x86-64).
    static int pageSize();
    /// The capacity F_SETPIPE_SZ sets for a request of \a bytes: at least one page, rounded up
    /// to a power-of-two number of pages (round_pipe_size() in fs/pipe.c). 100000 -> 131072,
    /// 0 -> 4096. Returns 0 for a request the kernel rejects with EINVAL (negative or > 2^31).
    static qint64 roundedCapacity(qint64 bytes);
    /// The fewest page slots \a queued bytes can occupy. The kernel counts slots, not bytes,
    /// and a writer's pieces may use more (five 2049-byte writes fill five slots).
    static qint64 minimumSlots(qint64 queued);
    /// /proc/sys/fs/pipe-max-size (1048576 by default), or -1 if unreadable.
    static qint64 pipeMaxSize(const QString &procRoot = QStringLiteral("/proc"));
    /// /proc/sys/fs/pipe-user-pages-soft (16384 pages by default; 0 = no limit), or -1.
    static qint64 userPagesSoft(const QString &procRoot = QStringLiteral("/proc"));
    /// /proc/sys/fs/pipe-user-pages-hard (0 = no limit), or -1.
    static qint64 userPagesHard(const QString &procRoot = QStringLiteral("/proc"));
    /// Why F_SETPIPE_SZ(\a bytes) failed with \a error on a pipe holding \a queued bytes (-1 if
    /// unknown), in words: EPERM above pipe-max-size or over the per-user page limit, EBUSY
    /// when the queued bytes need more slots than the new size has. Empty for other errors.
    static QString explainSetSizeError(int error, qint64 bytes, qint64 queued,
                                       const QString &procRoot = QStringLiteral("/proc"));
};

} // namespace PipeScope
