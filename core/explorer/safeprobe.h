#pragma once
/// \file safeprobe.h
/// The one way PipeScope reads another process's pipe: only through a read end some process
/// already holds. Any open of a read end is seen by the writers: on a pipe nobody else reads,
/// their EPIPE turns into success while it is held (the pipe is "revived"), and opening a
/// FIFO releases a writer blocked in open(), whose bytes are lost when we close again. Through
/// an existing reader's /proc/PID/fd/N, reopened read-only and O_NONBLOCK for the sample only,
/// nobody can tell (see docs/kernel-behaviour.md and PipeProbe).
///
/// So a probe either reads the pipe (queued bytes, capacity, optionally a tee peek) through
/// such a read end, or is refused with who would notice: the writers blocked in open() that
/// an open would release, and the holders of write ends whose EPIPE a read end would hide.
///
/// The scanner, the System page, `pipescope inspect` and `pipescope peek` all probe here.
/// Thread-safe: no state; every call opens and closes its own fds.
///
/// Example:
/// \code
///   const auto result = PipeScope::SafeProbe::probe(*snapshot.pipeAt(812, 1));
///   if (result.refusal) qWarning() << result.refusal->reason;
///   else qDebug() << result.sample.queued << "of" << result.sample.capacity;
/// \endcode

#include "pipescopeexport.h"
#include "pipeprobe.h"
#include "systemsnapshot.h"

#include <optional>

namespace PipeScope {

/// Why a pipe was not opened, and who would have noticed.
struct PIPESCOPE_CORE_EXPORT ProbeRefusal
{
    QString reason;                   ///< one sentence: "no process holds the read end; ..."
    QList<FifoOpener> blockedOpeners; ///< writers in open() that an open would release
    QList<qint64> writeEndHolders;    ///< processes whose EPIPE a read end of ours would hide
    int hiddenProcesses = 0;          ///< processes we may not inspect: a reader may be one
    /// Who would notice, in words, one sentence per process ("`sh` (pid 9) is blocked in
    /// open() to write it: ..."), or "nobody has it open, so it holds no bytes".
    QStringList noticedBy;
    /// "NAME: no process we can see holds its read end (...), so it is not opened: <noticedBy>."
    QString text(const QString &name) const;
};

struct PIPESCOPE_CORE_EXPORT SafeProbeResult
{
    /// The probe through the read end used (set unless refused or failed before one was found).
    std::optional<PipeProbe> probe;
    PipeSample sample;                ///< the fill and capacity (sample.ok false: see error)
    std::optional<QByteArray> peeked; ///< the first queued bytes, when a peek was asked for
    Error peekError;                  ///< why the peek failed, if it did
    std::optional<ProbeRefusal> refusal; ///< set: nothing was opened
    std::optional<PipeInfo> pipe;     ///< the pipe as scanned, when a scan was needed
    Error error;                      ///< refusal->reason, or the probe's error; empty on success

    bool ok() const { return !refusal && sample.ok; }
};

struct PIPESCOPE_CORE_EXPORT SafeProbeOptions
{
    qsizetype peekBytes = -1;  ///< also tee this many bytes (-1: no peek)
    bool sample = true;        ///< false: only find the read end to use (no open at all)
    QString procRoot = QStringLiteral("/proc");
};

class PIPESCOPE_CORE_EXPORT SafeProbe
{
public:
    using Options = SafeProbeOptions;

    /// \a pipe as a scan found it: through its holders' read ends in order (the next one if a
    /// read end is gone or its fd was reused for another file), else a refusal. \a snapshot,
    /// if given, names the processes in the refusal's words.
    static SafeProbeResult probe(const PipeInfo &pipe, const Options &options = {},
                                 const SystemSnapshot *snapshot = nullptr);
    /// What a user named: an fd of ours (probed as it is: it is ours to open), another
    /// process's /proc/PID/fd/N (directly if it is a read end, else through a reader found by a
    /// scan), or a FIFO path (through a reader found by a scan). Anything that is not a pipe is
    /// probed directly, so the probe says what it is instead.
    static SafeProbeResult probeTarget(const PipeProbe &target, const Options &options = {});
    /// The refusal for \a pipe (nullopt when a process holds a read end of it).
    static std::optional<ProbeRefusal> refusalFor(const PipeInfo *pipe, const SystemSnapshot *snapshot);
};

} // namespace PipeScope
