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
/// while the step runs.
///
/// Presentation (classroom) mode is for a projector: the window fills its screen (or the one
/// chosen with setPresentationScreen()), every font grows with that screen's height, the lesson
/// and step lists go, the step text gets the height it needs and the live graph the rest, and
/// the explorer's main diagnosis is shown in large type above the graph. Keys drive it: Space
/// or → runs the next step (or shows it), ← goes back, R restarts, F toggles full screen and
/// Esc leaves presentation mode. The panel's buttons take no keyboard focus meanwhile, so
/// Space always means "next" (see lessonspresentation.cpp).

#include <pipescope/error.h>

#include <QFont>
#include <QPointer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QScreen;
class QScrollArea;
class QShortcut;
class QSplitter;

namespace PipeScope {
class LessonRunner;
struct Observation;
} // namespace PipeScope

namespace PipeScope::Ui {

class LessonLiveView;
class StepCard;
class WorksheetRecorder;

class LessonsPanel : public QWidget {
    Q_OBJECT
public:
    /// The font scale of presentation mode for a screen \a screenHeight pixels high and a
    /// base font of \a basePixels: text about 1/36 of the screen high (21 px at 768, 30 px at
    /// 1080), never less than 1.25× nor more than 4×.
    static double presentationScaleFor(int screenHeight, int basePixels);

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
    /// Writes the worksheet of this run so far (every step run, with a picture of the live
    /// graph at its end) to \a path: HTML for .html, Markdown otherwise. False with *error.
    bool saveWorksheet(const QString &path, PipeScope::Error *error) const;
    /// Runs every remaining step, one after the other.
    void runAll();
    /// A fresh run of the current lesson: children killed, observations forgotten (also
    /// while a step runs).
    void restart();
    void setPresentationMode(bool on);
    /// The screen presentation mode fills (nullptr: the one the window is on).
    void setPresentationScreen(QScreen *screen);
    /// The window in or out of full screen (F in presentation mode).
    void toggleFullScreen();
    /// The font scale in effect (1 outside presentation mode).
    double fontScale() const { return m_scale; }

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
    QPushButton *saveWorksheetButton() const { return m_save; }
    WorksheetRecorder *worksheetRecorder() const { return m_worksheet; }
    QListWidget *lessonList() const { return m_lessons; }
    /// The scroll area of the step's text (above the live view).
    QScrollArea *stepScroll() const { return m_detailScroll; }

Q_SIGNALS:
    /// A step finished running (the observation is on screen).
    void stepRan(int index, bool matches);
    /// The shown step changed.
    void stepShown(int index);
    /// The user asked to inspect one of the lesson's pipes on the System page.
    void openInSystemPage(const QString &pipeKey);
    /// Presentation mode was entered or left (the window hides its menus and tabs meanwhile).
    void presentationModeChanged(bool on);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildLayout();
    void onLessonRowChanged(int row);
    void onStepStarted(int index);
    void onStepFinished(int index, const PipeScope::Observation &observation);
    void showStep(int index);
    void updateButtons();
    void askAndSaveWorksheet();
    void applyFontScale();
    void createClassroomKeys();
    void enterFullScreen();
    void leaveFullScreen();
    void setButtonsTakeFocus(bool take);
    /// In presentation mode: the step text gets the height it needs, the live graph the rest.
    void fitStepText();
    void fitStepTextNow();

    std::unique_ptr<LessonRunner> m_runner;
    int m_shown = -1;
    bool m_busy = false;
    bool m_presentation = false;
    QFont m_baseFont;
    double m_scale = 1.0;
    QPointer<QScreen> m_screen;
    Qt::WindowStates m_stateBefore;
    QRect m_geometryBefore;
    QList<QShortcut *> m_classroomKeys;

    QListWidget *m_lessons;
    QLabel *m_lessonTitle;
    QLabel *m_lessonSummary;
    QListWidget *m_steps;
    StepCard *m_card;
    QWidget *m_detail;
    QScrollArea *m_detailScroll;
    QSplitter *m_stepAndLive;
    LessonLiveView *m_live;
    QPushButton *m_back;
    QPushButton *m_next;
    QPushButton *m_runAll;
    QPushButton *m_restart;
    QPushButton *m_save;
    WorksheetRecorder *m_worksheet;
    QCheckBox *m_presentationBox;
};

} // namespace PipeScope::Ui
