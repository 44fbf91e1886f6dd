#pragma once
/// \file pipelinepage.h
/// The Pipeline page: a whole shell pipeline metered live, launched here (run) or already
/// running (attach to any stage or its shell). On top the stages as boxes with the pipes
/// between them as gauges, and the bottleneck named with its reason in one sentence; below,
/// the throughput of every pipe over time above the state of every stage over time, on one
/// time axis, so a stage that slows down and the "blocked writing" that then spreads to the
/// stages before it line up; a table of the numbers; the summary when the run ends. Pause /
/// Resume on a stage's box sends SIGSTOP / SIGCONT through ProcessControl (checked against
/// the stage's start time, so a reused pid is never signalled). Export writes the run as
/// JSON lines (the `pipescope run --json` schema) or CSV.
///
/// The page owns one PipelineMeter per run; it is fed by the meter's snapshots, which it
/// merges into its model, history and recording at the meter's rate (10 Hz by default), and,
/// under the bottleneck, by a SystemMonitor scoped to the stages (PipelineDiagnosticsView).

#include "pipelinehistory.h"
#include "pipelinerecording.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QToolButton;

namespace PipeScope {
class PipelineMeter;
struct MeterSnapshot;
struct MeterSummary;
}

namespace PipeScope::Ui {

class LiveLabel;
class PipelineDiagnosticsView;
class PipelineFlowView;
class PipelineModel;
class PipelineSummaryView;
class StateBadge;
class StateTimeline;
class ThroughputChart;

class PipelinePage : public QWidget
{
    Q_OBJECT
public:
    explicit PipelinePage(QWidget *parent = nullptr);
    ~PipelinePage() override;

    /// Starts \a pipeline ("yes | gzip -9 | cat > /dev/null"); stdin of its first stage and
    /// stdout of its last are /dev/null unless redirected. false (and errorOccurred) when the
    /// meter refuses it; a run in progress is stopped first.
    bool run(const QString &pipeline);
    /// Meters the pipeline \a pid belongs to (a stage, or the shell that started it).
    bool attach(qint64 pid);
    /// Ends metering: a launched pipeline is terminated, an attached one left alone.
    void stop();
    /// SIGSTOP (\a stop) or SIGCONT to every process of stage \a index. false and
    /// errorOccurred when it is gone or the signal fails.
    bool pauseStage(int index, bool stop);

    bool isActive() const;
    PipelineModel *model() const { return m_model; }
    PipelineMeter *meter() const { return m_meter; }
    const PipelineHistory &history() const { return m_history; }
    const PipelineRecording &recording() const { return m_recording; }
    PipelineFlowView *flowView() const { return m_flow; }
    /// The explorer's diagnostics for the pipes between the stages.
    PipelineDiagnosticsView *diagnosticsView() const { return m_diagnostics; }
    ThroughputChart *throughputChart() const { return m_chart; }
    StateTimeline *stateTimeline() const { return m_timeline; }
    PipelineSummaryView *summaryView() const { return m_summary; }
    QTabWidget *tabs() const { return m_tabs; }
    /// The banner's words: "Bottleneck: gzip -9 (stage 3), cpu" and the meter's sentence.
    QString bottleneckText() const;
    QString statusText() const;

    /// Export > JSON lines / CSV without the file dialog.
    bool exportJsonLines(const QString &path);
    bool exportCsv(const QString &path);

Q_SIGNALS:
    void errorOccurred(const QString &message);
    /// After every merged sample (tests wait on it).
    void updated();
    /// The run ended; the summary is shown.
    void finished();

private:
    QWidget *createToolbar();
    QWidget *createCharts();
    bool start(bool launched, const QString &what);
    void onSampled(const MeterSnapshot &snapshot);
    void onFinished(const MeterSummary &summary);
    void updateBanner(const MeterSnapshot &snapshot);
    void rememberStartTimes(const MeterSnapshot &snapshot);
    void fail(const QString &message);
    void askExport(bool json);
    void updateButtons();

    PipelineMeter *m_meter = nullptr;
    PipelineModel *m_model;
    PipelineHistory m_history;
    PipelineRecording m_recording;
    QHash<qint64, quint64> m_startTimes; ///< pid → start time, taken when the stage first showed
    QLineEdit *m_command = nullptr;
    QLineEdit *m_pid = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_attach = nullptr;
    QPushButton *m_stop = nullptr;
    QToolButton *m_export = nullptr;
    StateBadge *m_banner = nullptr;
    PipelineFlowView *m_flow = nullptr;
    PipelineDiagnosticsView *m_diagnostics = nullptr;
    QTabWidget *m_tabs = nullptr;
    ThroughputChart *m_chart = nullptr;
    StateTimeline *m_timeline = nullptr;
    QTableView *m_table = nullptr;
    PipelineSummaryView *m_summary = nullptr;
    LiveLabel *m_status = nullptr;
    QString m_lastDirectory;
};

} // namespace PipeScope::Ui
