#pragma once
/// \file lessonspanel.h
/// The Lessons page: pick a lesson, read a step's explanation and prediction, run it on real
/// pipes, and compare with what the kernel did (✓ / ✗ and why).
///
/// Stepping: "Run step" runs the step on screen (its prediction stays hidden until then,
/// unless the student asks: see StepCard); "Next" then shows the following step; "Back" only revisits
/// earlier results, it never re-runs. "Run all" runs the remaining steps one by one.
/// A step runs as continuations of the window's own event loop (see lessoncontext.h), so the
/// window keeps painting; stepping is disabled meanwhile. Choosing another lesson, Restart or
/// closing the window abandon a running step: its processes are killed and reaped at once.
///
/// Below the step, a LessonLiveView shows the lesson's pipes and processes live (the endpoint
/// graph, fill levels, the explorer's diagnostics, 5 Hz), so a blocked writer is seen blocked
/// while the step runs. Presentation mode enlarges every font for a projector and hides the
/// lesson list.

#include <QFont>
#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace PipeScope {
class LessonRunner;
struct Observation;
} // namespace PipeScope

namespace PipeScope::Ui {

class LessonLiveView;
class StepCard;

class LessonsPanel : public QWidget {
    Q_OBJECT
public:
    /// Font scale of presentation mode.
    static constexpr double PresentationScale = 1.8;

    explicit LessonsPanel(QWidget *parent = nullptr);
    ~LessonsPanel() override;

    /// Shows lesson \a id from its first step (a fresh run; a running step of the lesson
    /// shown before is abandoned). False for an unknown id.
    bool selectLesson(const QString &id);
    QString currentLessonId() const;
    /// The step on screen (0-based), -1 if no lesson is selected.
    int shownStep() const { return m_shown; }
    /// Steps run so far in this run.
    int stepsRun() const;
    bool isRunning() const { return m_busy; }
    bool isPresentationMode() const { return m_presentation; }

    /// Runs the shown step if it has not run yet, else shows the next one.
    void next();
    void back();
    /// Runs every remaining step, one after the other.
    void runAll();
    /// A fresh run of the current lesson: children killed, observations forgotten (also
    /// while a step runs).
    void restart();
    void setPresentationMode(bool on);

    /// The texts on screen, for tests and screen readers (the prediction "" while hidden).
    QString explanationText() const;
    QString predictionText() const;
    QString observedText() const;
    QString whyText() const;
    QString verdictText() const;
    QString processesText() const;
    /// The shown step's explanation, prediction and observation.
    StepCard *stepCard() const { return m_card; }
    LessonLiveView *liveView() const { return m_live; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *backButton() const { return m_back; }
    QPushButton *runAllButton() const { return m_runAll; }
    QListWidget *lessonList() const { return m_lessons; }

Q_SIGNALS:
    /// A step finished running (the observation is on screen).
    void stepRan(int index, bool matches);
    /// The shown step changed.
    void stepShown(int index);
    /// The user asked to inspect one of the lesson's pipes on the System page.
    void openInSystemPage(const QString &pipeKey);

private:
    void buildLayout();
    void onLessonRowChanged(int row);
    void onStepStarted(int index);
    void onStepFinished(int index, const PipeScope::Observation &observation);
    void showStep(int index);
    void updateButtons();
    void applyFontScale();

    std::unique_ptr<LessonRunner> m_runner;
    int m_shown = -1;
    bool m_busy = false;
    bool m_presentation = false;
    QFont m_baseFont;

    QListWidget *m_lessons;
    QLabel *m_lessonTitle;
    QLabel *m_lessonSummary;
    QListWidget *m_steps;
    StepCard *m_card;
    LessonLiveView *m_live;
    QPushButton *m_back;
    QPushButton *m_next;
    QPushButton *m_runAll;
    QPushButton *m_restart;
    QCheckBox *m_presentationBox;
};

} // namespace PipeScope::Ui
