#pragma once
/// \file lessoncatalog.h
/// The built-in lessons, in teaching order.

#include "lesson.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace PipeScope {

class LessonCatalog {
public:
    /// Every lesson, in the order a course would take them.
    static QList<Lesson> all();
    /// The lesson called \a id ("capacity"), or nullopt.
    static std::optional<Lesson> find(const QString &id);
    static QStringList ids();
};

} // namespace PipeScope
