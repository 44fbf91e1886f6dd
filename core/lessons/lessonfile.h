#pragma once
/// \file lessonfile.h
/// A lesson a teacher writes in a text editor (docs/writing-a-lesson.md, "Lesson files"):
/// `key: value` lines, a value continued on the lines below that start with white space,
/// `#` comments. The lesson's `id`, `title` and `summary` come first; each `step:` then
/// opens a step with its `explain`, `predict`, the commands it starts (`run`), the signals it
/// sends (`signal`), what it waits for (`wait`), its checks (`expect`) and the words for ✓
/// (`ok`) and ✗ (`fail`).
///
/// parse() validates everything it can without running anything, and refuses a bad file
/// with the first problem and its line number; it never crashes on hostile input.

#include "error.h"
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PipeScope {

/// What a step waits for before its checks: `wait: CONDITION [TARGET] [within MS ms]`.
struct LessonFileWait {
    /// blocked-writing, blocked-reading, opening-fifo, exited, stopped (TARGET a command's
    /// number, 1-based, in the step order of `run` lines), pipe-full (TARGET the command whose
    /// stdout pipe), or time (only the duration).
    QString condition;
    int target = 0; ///< 1-based index of a `run` command of the lesson, 0 for time
    int withinMs = 2000;
};

/// `expect: LEFT OP RIGHT`, each side a number or one of LessonFile::observables().
struct LessonFileExpect {
    QString left;
    QString op; ///< == != < <= > >=
    QString right;
    int line = 0;
};

struct LessonFileStep {
    QString title;
    QString explanation;
    QString prediction;
    QStringList commands; ///< `run:` shell command lines, started with sh -c in the temp dir
    QList<QPair<int, int>> signalsToSend; ///< (signal number, target command)
    QList<LessonFileWait> waits;
    QList<LessonFileExpect> expects;
    QString okText;
    QString failText;
    int line = 0; ///< where its `step:` is
};

struct LessonFile {
    QString id;
    QString title;
    QString summary;
    QList<LessonFileStep> steps;

    /// Parses \a text; nullopt and *error ("line 7: unknown key 'expct' (known: ...)") when
    /// it is not a valid lesson.
    /// An id of a built-in lesson (LessonCatalog::builtInIds()) is refused.
    static std::optional<LessonFile> parse(const QString &text, Error *error);
    /// The same, refusing the ids in \a reservedIds instead.
    static std::optional<LessonFile> parse(const QString &text, Error *error,
                                           const QStringList &reservedIds);
    /// Reads and parses \a path; *error starts with the path ("lesson.txt:7: ...").
    static std::optional<LessonFile> load(const QString &path, Error *error);
    static std::optional<LessonFile> load(const QString &path, Error *error,
                                          const QStringList &reservedIds);
    /// Whether a command line's \a name is a lesson file rather than a catalog id: it has a
    /// '/', ends in ".lesson" or is an existing file.
    static bool namesAFile(const QString &name);
    /// The names an `expect:` may compare: queued, capacity, exit-status, ...
    static QStringList observables();
};

} // namespace PipeScope
