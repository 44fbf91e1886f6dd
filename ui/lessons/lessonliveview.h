#pragma once
/// \file lessonliveview.h
/// The running lesson's pipes and processes, live: the System page's endpoint graph over
/// LessonContext::scanPipes() (holders as boxes, pipes as fill gauges between them, a blocked
/// process in red with the words), each pipe's fill level and the explorer's diagnostics in a
/// line, and the state and wchan of every child the lesson started.
///
/// It refreshes every RefreshMs while shown, and that includes while a step runs: the step
/// waits in a nested event loop that delivers this timer, so the student sees the pipe fill
/// and the writer block as it happens. A scan reads /proc for this process and the lesson's
/// children only, and probes fill levels through existing read ends (never a new end).

#include <pipescope/snapshottracker.h>
#include <pipescope/systemsnapshot.h>

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace PipeScope {
class LessonContext;
} // namespace PipeScope

namespace PipeScope::Ui {

class EndpointGraph;

class LessonLiveView : public QWidget {
    Q_OBJECT
public:
    static constexpr int RefreshMs = 200;

    explicit LessonLiveView(QWidget *parent = nullptr);

    /// Shows \a context's pipes from now on (nullptr: nothing), and refreshes at once.
    void setContext(LessonContext *context);
    /// One scan now (the timer calls it while the view is shown).
    void refresh();

    EndpointGraph *graph() const { return m_graph; }
    QPushButton *openButton() const { return m_open; }
    /// "pid 812: state S, wchan anon_pipe_write" per running child, or "(none running)".
    QString processesText() const;
    /// "pipe 812  65536/65536 (100%)" per pipe, each followed by its diagnostics.
    QString pipesText() const;
    const SystemSnapshot &snapshot() const { return m_snapshot; }

Q_SIGNALS:
    /// "Open in System page" for the pipe selected in the graph (a SystemPipesModel key).
    void openInSystemPage(const QString &pipeKey);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showSnapshot();

    QPointer<LessonContext> m_context;
    SystemSnapshot m_snapshot;
    SnapshotTracker m_tracker;
    QTimer m_timer;
    QString m_selectedPipe;
    EndpointGraph *m_graph;
    QLabel *m_pipes;
    QLabel *m_processes;
    QPushButton *m_open;
};

} // namespace PipeScope::Ui
