#pragma once
/// \file filelessonexpect.h
/// Private to core/lessons: a lesson file's `expect:` comparisons evaluated on what the
/// explorer (one scan of the lesson's pipes) and the meter observe.

#include "lessonfile.h"
#include "systemsnapshot.h"

#include <QStringList>
#include <QVariantMap>

namespace PipeScope::FileLesson {

class Command;

struct Comparisons {
    bool allHold = true; ///< every comparison held (an unknown value does not)
    QStringList lines; ///< "queued:1 = 65536 == capacity:1 = 65536: holds"
    QStringList predictions; ///< each comparison as written
    QVariantMap values; ///< each NAME:COMMAND read, by that name
};

/// Evaluates \a expects; \a commands by number - 1, \a snapshot the lesson's pipes now.
Comparisons compare(const QList<LessonFileExpect> &expects, const QList<const Command *> &commands,
                    const SystemSnapshot &snapshot);

} // namespace PipeScope::FileLesson
