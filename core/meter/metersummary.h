#pragma once
/// \file metersummary.h
/// What a whole metered run amounted to, as PipelineMeter::finished() delivers it.

#include "pipescopeexport.h"
#include "metersnapshot.h"

#include <QList>
#include <QString>

#include <optional>

namespace PipeScope {

/// One stage at the end.
struct PIPESCOPE_CORE_EXPORT StageSummary
{
    QList<qint64> pids;
    qint64 pid = 0;
    QString command;
    quint64 bytesIn = 0;   ///< rchar at the end (for launched stages read from the zombie: exact)
    quint64 bytesOut = 0;  ///< wchar at the end
    bool exact = false;    ///< totals read after exit (launched stages), not from the last sample
    std::optional<int> exitCode; ///< set when it exited normally (launched stages only)
    int signal = 0;        ///< the signal that killed it, 0 if none or unknown
    double cpuSeconds = 0; ///< time on a CPU (schedstat run time; utime + stime without it)
    double blockedReadingSeconds = 0; ///< time seen asleep reading an empty pipe (sampled)
    double blockedWritingSeconds = 0; ///< time seen asleep writing a full pipe (sampled)
    StageFlags flags;
};

/// One pipe at the end.
struct PIPESCOPE_CORE_EXPORT PipeSummary
{
    int from = 0;
    int to = 1;
    quint64 bytes = 0;     ///< bytes that passed (the rate source's counter), 0 if unknown
    RateSource rateSource = RateSource::None;
    double minRate = -1;   ///< bytes/s over the >= 1 s windows of the run; -1 if none was full
    double avgRate = -1;   ///< bytes / duration
    double maxRate = -1;
};

/// The whole run.
struct PIPESCOPE_CORE_EXPORT MeterSummary
{
    double duration = 0;   ///< seconds from start to the last stage's end (or detach)
    QList<StageSummary> stages;
    QList<PipeSummary> pipes;
    Bottleneck bottleneck; ///< the stage named in most windows, with its most frequent cause
    bool interrupted = false; ///< stop() ended it (Ctrl-C) rather than the stages themselves
    /// The shell's $? for the pipeline: the last stage's exit code, 128+N for a signal N;
    /// with \a pipefail the rightmost non-zero status. -1 when unknown (attach).
    int exitStatus(bool pipefail = false) const;
};

} // namespace PipeScope
