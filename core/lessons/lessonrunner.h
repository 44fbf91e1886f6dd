#pragma once
/// \file lessonrunner.h
/// Runs one lesson step by step in a fresh LessonContext and keeps the observations.
///
/// runNextStep() is synchronous: it returns when the step is done (each step takes well under
/// a second, waiting in a nested event loop, see lessoncontext.h). A GUI calls it from a
/// queued slot and disables its controls while isRunning(); a second call made from inside
/// the nested loop is refused.

#include "lesson.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

#include <memory>

namespace PipeScope {

class LessonContext;

class LessonRunner : public QObject {
    Q_OBJECT
public:
    explicit LessonRunner(const Lesson &lesson, QObject *parent = nullptr);
    /// Ends the context: every child killed and reaped, every fd closed.
    ~LessonRunner() override;

    const Lesson &lesson() const { return m_lesson; }
    int stepCount() const { return int(m_lesson.steps.size()); }
    /// Index of the step runNextStep() runs; stepCount() once all ran.
    int nextStep() const { return int(m_observations.size()); }
    bool atEnd() const { return nextStep() >= stepCount(); }
    bool isRunning() const { return m_running; }
    /// One observation per step run so far, in step order.
    const QList<Observation> &observations() const { return m_observations; }
    /// True if every step ran and every observation matched its prediction.
    bool allMatch() const;
    /// Observations that matched so far.
    int matchCount() const;

    /// Runs the next step; false if at the end or already running.
    bool runNextStep();
    /// Runs the remaining steps.
    void runAll();
    /// Forgets the observations and starts over in a new context (children killed).
    void restart();
    /// The context of this run: its pipes and children (for a GUI that shows them live).
    LessonContext *context() const { return m_context.get(); }

    /// { "id", "title", "summary", "matches", "steps": [ { "index", "title",
    /// "explanation", "prediction", "predictionOnThisMachine", "observed", "matches", "why",
    /// "elapsedMs", "values" } ] } — only steps that ran.
    QJsonObject toJson() const;

Q_SIGNALS:
    void stepStarted(int index);
    void stepFinished(int index, const PipeScope::Observation &observation);
    /// The last step finished.
    void finished(bool allMatch);
    /// restart() made a new context.
    void contextChanged();

private:
    Lesson m_lesson;
    QList<Observation> m_observations;
    std::unique_ptr<LessonContext> m_context;
    bool m_running = false;
};

} // namespace PipeScope
