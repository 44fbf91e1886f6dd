#pragma once
/// \file lessoncatalog.h
/// The lessons, in teaching order: the built-in ones (C++ classes, then lesson files embedded
/// as resources under :/pipescope/lessons), then the user's own lesson files from
/// userLessonDirectory(), then any added with add() (e.g. `pipescope --lesson FILE`).
///
/// A user's file that does not parse, or takes an id already in the catalog, is left out and
/// named by userLessonErrors() with its line number; it never stops the rest.

#include "lesson.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace PipeScope {

class LessonCatalog {
public:
    /// Every lesson, in the order a course would take them, the user's after the built-in.
    static QList<Lesson> all();
    /// The lesson called \a id ("capacity"), or nullopt.
    static std::optional<Lesson> find(const QString &id);
    static QStringList ids();

    /// The lessons PipeScope ships (C++ and built-in lesson files), without the user's.
    static QList<Lesson> builtIn();
    /// Their ids (computed once): no lesson file may take one.
    static QStringList builtInIds();
    /// Where the user's lesson files are read from: QStandardPaths::AppDataLocation +
    /// "/lessons" ("~/.local/share/PipeScope/pipescope/lessons"); each `*.lesson` there joins.
    static QString userLessonDirectory();
    /// "path:7: line 7: ..." for each user file left out, as of the last all().
    static QStringList userLessonErrors();
    /// Adds \a lesson after the others for the rest of this process (the GUI's
    /// `--lesson FILE`); one with an id already in the catalog replaces that one.
    static void add(const Lesson &lesson);
};

} // namespace PipeScope
