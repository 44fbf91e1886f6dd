#pragma once
/// \file worksheetrecorder.h
/// Pictures of the lesson's graph for a run's worksheet: one PNG per step, drawn when the step
/// finishes from a scan of the lesson's pipes made then (LessonContext::scanPipes(), a few
/// processes: cheap), not from the live view, whose last scan may predate the step's last
/// action, and which "Run all" would overtake with the next step. A step whose pipes show
/// nothing gets no picture. save() writes the Worksheet (core/lessons/worksheet.h) with them.

#include <pipescope/error.h>

#include <QHash>
#include <QObject>

namespace PipeScope {
class LessonContext;
struct Lesson;
struct Observation;
} // namespace PipeScope

namespace PipeScope::Ui {

class EndpointGraph;

class WorksheetRecorder : public QObject {
    Q_OBJECT
public:
    /// The pictures are drawn by a hidden graph, a child of \a page (a top-level one would be
    /// a second window in the application's eyes).
    explicit WorksheetRecorder(QWidget *page);

    /// Pictures \a context's pipes as they are now, for step \a index (0-based).
    void stepFinished(int index, const LessonContext &context);
    /// A fresh run: the pictures are forgotten.
    void reset() { m_graphs.clear(); }
    /// Whether step \a index (0-based) has a picture: its pipes showed anything.
    bool hasPicture(int index) const { return m_graphs.contains(index); }

    /// Writes the worksheet of \a lesson's \a observations to \a path (HTML for .html/.htm,
    /// Markdown otherwise), the pictures embedded. False with *error on failure.
    bool save(const Lesson &lesson, const QList<Observation> &observations, const QString &path,
              PipeScope::Error *error) const;

private:
    EndpointGraph *m_painter; ///< never shown: draws the pictures
    QHash<int, QByteArray> m_graphs;
};

} // namespace PipeScope::Ui
