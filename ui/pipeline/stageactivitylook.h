#pragma once
/// \file stageactivitylook.h
/// How the Pipeline page shows what a stage is doing (core/meter's StageActivity): an icon, a
/// word, a tooltip, and for the state timeline a colour *and* a fill pattern, so no state is
/// told by colour alone.

#include "statepresentation.h"

#include <pipescope/metersnapshot.h>

#include <QBrush>
#include <QColor>
#include <QList>

class QPalette;

namespace PipeScope::Ui {

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
    /// The page's banner for \a bottleneck of stage \a command: "Bottleneck: gzip -9 (stage 3)
    /// — CPU-bound", "Balanced: no stage holds the others back", "Measuring…", with an icon.
    static StateLook bottleneck(const Bottleneck &bottleneck, const QString &command);
};

} // namespace PipeScope::Ui
