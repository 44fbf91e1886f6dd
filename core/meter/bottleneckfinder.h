#pragma once
/// \file bottleneckfinder.h
/// Internal: which stage holds a pipeline back over a window of ticks, and why.
///
/// For each stage, score = (input side full: its input pipe >= 90 % full, or the upstream
/// writer asleep in pipe_write) + (output side empty: its output pipe <= 10 % full, or the
/// downstream reader asleep in pipe_read) - (the share of time it waits on a pipe itself)
/// - (the share of time it waited for a CPU beyond the share it used one: starved by the
/// machine, not slow itself), as fractions of the window's ticks; the first stage's input and
/// the last's output count as 1. The highest score wins (a tie goes downstream). Its cause is
/// what it does most while not on a pipe: running (cpu), asleep in poll/select/nanosleep
/// (throttled), D state (io), stopped, or asleep elsewhere (waiting). When no pipe is mostly
/// full or mostly empty and no stage mostly waits on a pipe, the verdict is "balanced" with no stage.
///
/// A running task's wchan reads 0 and a runnable one shows R while it waits for a CPU, so the
/// cause "cpu" comes with the measured CPU share for the reader to judge.

#include "meterhistory.h"
#include "metersnapshot.h"

namespace PipeScope::BottleneckFinder {

struct StageInfo
{
    QString command;
    double cpu = 0;          ///< share of a core over the window
    double runQueueWait = -1;
    QString wchan;           ///< the latest
};

/// The verdict for \a window (oldest first); Unknown when it is empty.
Bottleneck find(const QList<const TickRecord *> &window, const QList<StageInfo> &stages);

} // namespace PipeScope::BottleneckFinder
