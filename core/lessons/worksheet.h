#pragma once
/// \file worksheet.h
/// A student's record of one lesson run: per step what was predicted, what the kernel did,
/// ✓ or ✗, why, and the numbers — as one self-contained Markdown or HTML file (no external
/// file, style sheet or script: images are embedded as data: URLs).
///
/// QtCore only. A view that can draw (the GUI's live graph) adds a PNG per step with
/// setGraph(); without one the worksheet is text and numbers.
///
/// Example:
/// \code
///   PipeScope::Worksheet sheet(runner.lesson(), runner.observations());
///   if (!sheet.write(QStringLiteral("capacity.html"), &error)) ...
/// \endcode

#include "error.h"
#include "lesson.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace PipeScope {

class Worksheet {
public:
    enum class Format { Markdown, Html };

    /// \a observations: one per step run, in step order (LessonRunner::observations()).
    Worksheet(const Lesson &lesson, const QList<Observation> &observations);

    /// Html for a path ending in .html or .htm (any case), Markdown otherwise.
    static Format formatFor(const QString &path);
    /// A PNG of the step's graph (0-based \a step), shown under its observation.
    void setGraph(int step, const QByteArray &png);
    /// When and where it ran ("2026-12-06 22:30, Linux 6.1.0"); set to the current time and
    /// kernel by the constructor.
    void setRunInfo(const QString &text) { m_runInfo = text; }

    QString markdown() const;
    QString html() const;
    QString text(Format format) const { return format == Format::Html ? html() : markdown(); }
    /// Writes the format formatFor(\a path) picks, atomically (QSaveFile). False with *error
    /// ("write /x/y.md: Permission denied") on failure.
    bool write(const QString &path, Error *error) const;

private:
    QString markdownStep(int index) const;
    QString htmlStep(int index) const;
    int matchCount() const;

    Lesson m_lesson;
    QList<Observation> m_observations;
    QHash<int, QByteArray> m_graphs;
    QString m_runInfo;
};

} // namespace PipeScope
