#pragma once
/// \file bottleneckfinder.h
/// Internal: which stage holds a pipeline back over a window of ticks, and why.
///
/// For each stage, score = (input side full: its input pipe >= 90 % full, or the upstream
/// writer asleep in pipe_write) + (output side empty: its output pipe <= 10 % full, or the
/// downstream reader asleep in pipe_read) + (its own work: the share of a core it used, measured
/// from utime+stime, plus the share of ticks it slept outside the pipes -- in poll/select/
/// nanosleep, D state, stopped), as fractions of the window; the first stage's input and the
/// last's output count as 1. Time a stage waits on a pipe or for a CPU adds nothing: "R" also
/// means runnable and waiting for a CPU (taken by other processes, or by another stage on the same
/// CPU), and a stage that is mostly queued is starved, not slow. The highest score wins (a tie
/// goes downstream). Its cause is what it does most while not on a pipe: running (cpu), asleep
/// in poll/select/nanosleep (throttled), D state (io), stopped, or asleep elsewhere (waiting).
/// A stage that used 90 % of a core or more over the window is named before any score, with
/// cause cpu: one thread at full speed cannot go faster, and the fill levels around it are
/// sampled while the meter runs, which on a shared CPU is while its neighbour is preempted --
/// they can make the neighbour look like the limit (seen: head at 24 % of a core "between a full
/// pipe and an empty one" in front of gzip -9 at 98 %).
/// When no pipe is mostly full or mostly empty and no stage mostly waits on a pipe, the verdict
/// is "balanced" with no stage.
///
/// The CPU share is the one fact here that sampling cannot blur: with more busy stages than
/// CPUs, the pipes' fill levels flicker with the scheduler's placement, but the stage that needs
/// the most CPU per byte still uses the largest share of a core.

#include "meterhistory.h"
#include "metersnapshot.h"

namespace PipeScope::BottleneckFinder {

struct StageInfo
{
    QString command;
    double cpu = -1;         ///< share of a core over the window, -1 if unknown
    double runQueueWait = -1;
    QString wchan;           ///< the latest
};

/// The verdict for \a window (oldest first); Unknown when it is empty.
Bottleneck find(const QList<const TickRecord *> &window, const QList<StageInfo> &stages);

} // namespace PipeScope::BottleneckFinder
