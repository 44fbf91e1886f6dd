#pragma once
/// \file lessonliveview.h
/// The running lesson's pipes and processes, live: the System page's endpoint graph over the
/// lesson's pipes (holders as boxes, pipes as fill gauges between them, a blocked
/// process in red with the words), each pipe's fill level and the explorer's diagnostics in a
/// line, and the state and wchan of every child the lesson started.
///
/// It subscribes to a SystemMonitor of its own, scoped to the lesson (this process and the
/// children it started, the pipes it made): scans run on the monitor's worker thread every
/// RefreshMs while the view is shown, also while a step runs, so the student sees the pipe
/// fill and the writer block as it happens. Fill levels come through existing read ends
/// (never a new end).
///
/// In presentation mode the explorer's main diagnosis of the last scan (the most severe one)
/// is shown in large type above the graph, and the graph takes most of the width.

#include <pipescope/systemmonitor.h>

#include <QPointer>
#include <QWidget>

class QHBoxLayout;
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

    /// Shows \a context's pipes from now on (nullptr: nothing): the old ones go at once, the
    /// new ones come with the next update.
    void setContext(LessonContext *context);
    /// A scan now, shown when the monitor delivers it.
    void refresh();
    SystemMonitor *monitor() const { return m_monitor; }

    EndpointGraph *graph() const { return m_graph; }
    QPushButton *openButton() const { return m_open; }
    /// "pid 812: blocked writing: its output pipe is full (state S, wchan anon_pipe_write)" per
    /// running child, or "(none running)": read when asked (ProcessState), not from a scan.
    QString processesText() const;
    /// "pipe 812  65536/65536 (100%)" per pipe, each followed by its diagnostics.
    QString pipesText() const;
    const SystemSnapshot &snapshot() const { return m_snapshot; }
    /// Presentation mode on or off; \a textFont is the page's (scaled) font.
    void setPresentation(bool on, const QFont &textFont);
    /// The diagnosis shown in large type ("" outside presentation mode or when there is none).
    QString headlineText() const;
    QLabel *headline() const { return m_headline; }
    /// The most severe diagnostic of \a snapshot with its mark ("⚠ writer `yes` … blocked"),
    /// "" if it has none.
    static QString mainDiagnosis(const SystemSnapshot &snapshot);

Q_SIGNALS:
    /// "Open in System page" for the pipe selected in the graph (a SystemPipesModel key).
    void openInSystemPage(const QString &pipeKey);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    MonitorScope scopeOf() const;
    void showUpdate(const MonitorUpdate &update);
    void showSnapshot();

    QPointer<LessonContext> m_context;
    SystemMonitor *m_monitor;
    SystemSnapshot m_snapshot;
    QString m_selectedPipe;
    EndpointGraph *m_graph;
    QLabel *m_headline;
    QHBoxLayout *m_row = nullptr;
    QWidget *m_side = nullptr; ///< the pipes' and processes' text and "Open in System page"
    bool m_presentation = false;
    QLabel *m_pipes;
    QLabel *m_processes;
    QPushButton *m_open;
};

} // namespace PipeScope::Ui
