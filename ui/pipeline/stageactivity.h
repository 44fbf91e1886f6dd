#pragma once
/// \file stageactivity.h
/// What a pipeline stage is doing at one moment, as the Pipeline page shows it: an icon, a
/// word, a tooltip, and for the state timeline a colour *and* a fill pattern, so no state is
/// told by colour alone.

#include "statepresentation.h"

#include <QBrush>
#include <QColor>
#include <QList>

class QPalette;

namespace PipeScope::Ui {

enum class StageActivity {
    Running,        ///< on a CPU or runnable (state R)
    BlockedReading, ///< asleep in read() on its empty input pipe
    BlockedWriting, ///< asleep in write() on its full output pipe: back-pressure
    Throttled,      ///< asleep in poll/select/nanosleep: limits itself (pv -L, sleep loops)
    Stopped,        ///< SIGSTOP / job control (state T)
    Io,             ///< uninterruptible sleep (state D): disk or network file system
    Sleeping,       ///< asleep elsewhere (a lock, a child, a socket)
    Exited,         ///< the process has ended
    Unknown,        ///< not sampled yet, or no access
};

class StageActivityLook
{
public:
    /// Every activity the timeline draws, in legend order.
    static QList<StageActivity> timelineActivities();
    static StateLook look(StageActivity activity);
    /// The activity's hue (the same as its icon's), for borders and patterns.
    static QColor color(StageActivity activity);
    /// A band's background: the hue blended into \a palette's base, so it suits light and dark.
    static QColor background(StageActivity activity, const QPalette &palette);
    /// A band's pattern over its background (solid, hatched, crossed, dotted...): one per state.
    static QBrush pattern(StageActivity activity);
};

} // namespace PipeScope::Ui
