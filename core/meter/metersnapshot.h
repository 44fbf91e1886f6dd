#pragma once
/// \file metersnapshot.h
/// One sample of a whole pipeline, as PipelineMeter::sampled() delivers it: a value type, safe
/// to copy into a model or across threads.
///
/// Stages are numbered 0..n-1 from the writer end to the reader end; pipe K joins stage K
/// (its writer) to stage K+1 (its reader).

#include "pipescopeexport.h"

#include <QFlags>
#include <QList>
#include <QString>

namespace PipeScope {

/// What a stage is doing, from its stat state letter and its wchan.
enum class StageActivity {
    Unknown,        ///< not readable (gone between two reads)
    Running,        ///< R: on a CPU, or runnable and waiting for one (see runQueueWait)
    BlockedReading, ///< asleep in the pipe code reading an empty pipe
    BlockedWriting, ///< asleep in the pipe code writing a full pipe
    Throttled,      ///< asleep in poll/select/epoll/nanosleep: a self-limited stage (pv -L)
    Sleeping,       ///< asleep anywhere else (wait4, a lock, a socket)
    DiskWait,       ///< D: uninterruptible sleep, normally file or block I/O
    Stopped,        ///< T/t: SIGSTOP, job control or a ptrace stop
    Exited          ///< a zombie, or reaped
};

/// Why a stage's numbers are not simply "the bytes of its pipes".
enum class StageFlag {
    Approximate = 0x1, ///< it also reads or writes files or sockets: rchar/wchar count those too
    SpliceBlind = 0x2, ///< its counters lag its neighbour's: it moves data with splice(), which
                       ///< /proc/PID/io does not count (pv does)
    NoAccess = 0x4     ///< /proc/PID/io, wchan and fd are not readable (another user, or not
                       ///< dumpable): only state and CPU are known
};
Q_DECLARE_FLAGS(StageFlags, StageFlag)

/// One stage (one or several processes: a subshell or `xargs` is one stage).
struct PIPESCOPE_CORE_EXPORT StageSample
{
    QList<qint64> pids;        ///< the stage's processes; pids.first() is the one shown
    qint64 pid = 0;            ///< pids.first(), or 0 when unknown
    QString command;           ///< as typed for `run`, the command line for `attach`
    char state = '?';          ///< stat's state letter of the main process (R S D T t Z)
    QString wchan;             ///< where it sleeps, suffixes like ".constprop.0" stripped; empty
                               ///< while running (the kernel shows "0") or hidden
    StageActivity activity = StageActivity::Unknown;
    double cpu = 0;            ///< share of one core over the last ~1 s (utime+stime), 1.0 = a core
    double runQueueWait = 0;   ///< share of the last ~1 s spent runnable but waiting for a CPU
                               ///< (/proc/PID/schedstat), -1 if unknown
    quint64 bytesIn = 0;       ///< rchar summed over the stage's processes
    quint64 bytesOut = 0;      ///< wchar summed over the stage's processes
    quint64 readCalls = 0;     ///< syscr
    quint64 writeCalls = 0;    ///< syscw
    StageFlags flags;
};

/// Where a pipe's rate comes from.
enum class RateSource {
    None,       ///< unknown: neither end's counters are usable (no access, splice)
    WriterOut,  ///< the writer's wchar delta (its only output is this pipe)
    ReaderIn    ///< the reader's rchar delta
};

/// One pipe between stage `from` and stage `to` (= from + 1). (Not the kernel probe's
/// PipeSample: this one adds the rate and where it comes from.)
struct PIPESCOPE_CORE_EXPORT MeterPipeSample
{
    int from = 0;
    int to = 1;
    qint64 queued = -1;    ///< bytes in the pipe (FIONREAD), -1 when it could not be reopened
    qint64 capacity = -1;  ///< F_GETPIPE_SZ, -1 when unknown
    double rate = -1;      ///< bytes/s over the last >= 1 s window, -1 while unknown
    RateSource rateSource = RateSource::None;
    bool approximate = false; ///< the counting stage also does other I/O (StageFlag::Approximate)
    /// queued / capacity, or -1.
    double fill() const { return queued >= 0 && capacity > 0 ? double(queued) / double(capacity) : -1; }
};

/// Why the bottleneck stage holds the pipeline back.
enum class BottleneckCause {
    Unknown,   ///< not enough samples yet (the first window is not full)
    Cpu,       ///< it runs: about a core busy
    Throttled, ///< it sleeps in poll/select/nanosleep: self-limited (pv -L, a rate limiter)
    Io,        ///< D state: waiting for a disk or a file system
    Stopped,   ///< SIGSTOP / job control
    Waiting,   ///< asleep elsewhere (a lock, a socket, a child)
    Balanced   ///< no stage: no pipe is full or empty for long, the stages keep pace
};

/// The verdict for one window of 1-2 s.
struct PIPESCOPE_CORE_EXPORT Bottleneck
{
    int stage = -1;        ///< the stage, or -1 (Unknown, Balanced)
    BottleneckCause cause = BottleneckCause::Unknown;
    QString text;          ///< one sentence: "gzip -9 (stage 3) is CPU-bound: ..."
};

/// One tick of the meter.
struct PIPESCOPE_CORE_EXPORT MeterSnapshot
{
    double t = 0;          ///< seconds since the meter started
    QList<StageSample> stages;
    QList<MeterPipeSample> pipes;
    Bottleneck bottleneck;
};

/// "running", "blocked-read", "blocked-write", "throttled", "sleeping", "disk-wait", "stopped",
/// "exited", "unknown" (the JSON and CLI names).
PIPESCOPE_CORE_EXPORT QString stageActivityName(StageActivity activity);
/// "unknown", "cpu", "throttled", "io", "stopped", "waiting", "balanced".
PIPESCOPE_CORE_EXPORT QString bottleneckCauseName(BottleneckCause cause);
/// "none", "writer", "reader".
PIPESCOPE_CORE_EXPORT QString rateSourceName(RateSource source);

} // namespace PipeScope

Q_DECLARE_OPERATORS_FOR_FLAGS(PipeScope::StageFlags)
