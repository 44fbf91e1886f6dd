#pragma once
/// \file lessonrunner.h
/// Runs one lesson step by step in a fresh LessonContext and keeps the observations.
///
/// runNextStep() starts the next step and returns at once; the step continues from the event
/// loop (see lessoncontext.h) and stepFinished() follows, queued, never inside runNextStep().
/// While a step runs a second runNextStep() is refused. restart() and the destructor may come
/// at any time, also mid-step: the run is abandoned (its children killed and reaped, its fds
/// closed) and nothing of it is reported any more. A step that never ends is ended after
/// StepTimeoutMs with a failure.

#include "lesson.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <memory>

namespace PipeScope {

class LessonContext;

class LessonRunner : public QObject {
    Q_OBJECT
public:
    /// The longest a step may take before it is ended with a failure (steps take well under
    /// one second; their own waits time out long before this).
    static constexpr int StepTimeoutMs = 20000;

    explicit LessonRunner(const Lesson &lesson, QObject *parent = nullptr);
    /// Ends the context: every child killed and reaped, every fd closed.
    ~LessonRunner() override;

    const Lesson &lesson() const { return m_lesson; }
    int stepCount() const { return int(m_lesson.steps.size()); }
    /// Index of the step runNextStep() runs; stepCount() once all ran.
    int nextStep() const { return int(m_observations.size()); }
    bool atEnd() const { return nextStep() >= stepCount(); }
    /// From runNextStep() until stepFinished() is emitted.
    bool isRunning() const { return m_running; }
    /// One observation per step run so far, in step order.
    const QList<Observation> &observations() const { return m_observations; }
    /// True if every step ran and every observation matched its prediction.
    bool allMatch() const;
    /// Observations that matched so far.
    int matchCount() const;

    /// Starts the next step; false if at the end or a step is running.
    bool runNextStep();
    /// Runs the remaining steps one after the other, until the end or restart().
    void runAll();
    /// Forgets the observations and starts over in a new context: a running step is
    /// abandoned, the old context's children are killed and reaped.
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
    void finishStep(quint64 token, Observation observation);
    void reportStep(quint64 token);

    Lesson m_lesson;
    QList<Observation> m_observations;
    std::unique_ptr<LessonContext> m_context;
    bool m_running = false;
    bool m_runAll = false;
    /// Changes with every step end and restart(): a StepDone of an older step is ignored.
    quint64 m_token = 0;
    QElapsedTimer m_clock;
    QTimer m_stepDeadline;
};

} // namespace PipeScope
