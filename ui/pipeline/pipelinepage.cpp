#include "pipelinepage.h"

#include "livelabel.h"
#include "pipelinediagnosticsview.h"
#include "pipelineflowview.h"
#include "pipelinemodel.h"
#include "pipelinesummaryview.h"
#include "readingorder.h"
#include "stageactivitylook.h"
#include "statebadge.h"
#include "statetimeline.h"
#include "throughputchart.h"

#include <pipescope/pipelinemeter.h>
#include <pipescope/processcontrol.h>
#include <pipescope/processstate.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace PipeScope::Ui {

PipelinePage::PipelinePage(QWidget *parent) : QWidget(parent), m_model(new PipelineModel(this))
{
    m_banner = new StateBadge(StateBadge::Size::Large, this);
    m_banner->setLook({ QStringLiteral("notopen"), QStringLiteral("No pipeline metered"),
                        QStringLiteral("Run a pipeline here, or attach to a running one.") },
                      QStringLiteral("Type a pipeline and press Run, or give the PID of a stage (or of "
                                     "its shell) and press Attach."));
    m_flow = new PipelineFlowView(&m_history, this);
    m_diagnostics = new PipelineDiagnosticsView(this);
    connect(m_flow, &PipelineFlowView::pauseRequested, this, &PipelinePage::pauseStage);
    m_status = new LiveLabel(QStringLiteral("running · 10 Hz · 36000 samples · 00:00:00.0 ........"), this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createToolbar());
    layout->addWidget(m_banner);
    layout->addWidget(m_diagnostics);
    layout->addWidget(m_flow);
    layout->addWidget(createCharts(), 1);
    layout->addWidget(m_status);
    ReadingOrder::apply(this); // the flow view is made before the toolbar above it
    updateButtons();
}

PipelinePage::~PipelinePage() = default; // the meter, a child, ends a launched run

QWidget *PipelinePage::createToolbar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_command = new QLineEdit(bar);
    m_command->setPlaceholderText(QStringLiteral("A pipeline, e.g. yes | gzip -9 | cat > /dev/null"));
    m_command->setClearButtonEnabled(true);
    m_command->setAccessibleName(QStringLiteral("Pipeline to run"));
    m_run = new QPushButton(QStringLiteral("Run"), bar);
    m_run->setToolTip(QStringLiteral("Start the pipeline (each stage through /bin/sh) and meter it."));
    m_pid = new QLineEdit(bar);
    m_pid->setPlaceholderText(QStringLiteral("PID"));
    m_pid->setAccessibleName(QStringLiteral("Process id to attach to"));
    m_pid->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("99999999")) + 16);
    m_attach = new QPushButton(QStringLiteral("Attach"), bar);
    m_attach->setToolTip(QStringLiteral("Meter the running pipeline this process (a stage, or its shell) "
                                        "belongs to. It is only watched, never traced or slowed."));
    m_stop = new QPushButton(QStringLiteral("Stop"), bar);
    m_stop->setToolTip(QStringLiteral("End metering: a pipeline started here is terminated, an "
                                      "attached one is left running."));
    m_export = new QToolButton(bar);
    m_export->setText(QStringLiteral("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_export);
    menu->addAction(QStringLiteral("JSON lines…"), this, [this] { askExport(true); });
    menu->addAction(QStringLiteral("CSV…"), this, [this] { askExport(false); });
    m_export->setMenu(menu);
    connect(m_command, &QLineEdit::returnPressed, m_run, &QPushButton::click);
    connect(m_run, &QPushButton::clicked, this, [this] { run(m_command->text()); });
    connect(m_pid, &QLineEdit::returnPressed, m_attach, &QPushButton::click);
    connect(m_attach, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const qint64 pid = m_pid->text().trimmed().toLongLong(&ok);
        if (!ok || pid <= 0)
            fail(QStringLiteral("Attach needs a process id, got '%1'.").arg(m_pid->text()));
        else
            attach(pid);
    });
    connect(m_stop, &QPushButton::clicked, this, &PipelinePage::stop);
    row->addWidget(m_command, 1);
    row->addWidget(m_run);
    row->addWidget(m_pid);
    row->addWidget(m_attach);
    row->addWidget(m_stop);
    row->addWidget(m_export);
    return bar;
}

QWidget *PipelinePage::createCharts()
{
    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(QStringLiteral("Pipeline charts"));
    auto *overTime = new QSplitter(Qt::Vertical, m_tabs);
    m_chart = new ThroughputChart(&m_history, overTime);
    m_timeline = new StateTimeline(&m_history, overTime);
    overTime->addWidget(m_chart);
    overTime->addWidget(m_timeline);
    overTime->setChildrenCollapsible(false);
    overTime->setStretchFactor(0, 3);
    overTime->setStretchFactor(1, 2);
    m_tabs->addTab(overTime, QStringLiteral("Over time"));
    m_table = new QTableView(m_tabs);
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tabs->addTab(m_table, QStringLiteral("Numbers"));
    auto *scroll = new QScrollArea(m_tabs);
    m_summary = new PipelineSummaryView(scroll);
    m_summary->setText(QStringLiteral("The summary appears here when the pipeline ends."));
    scroll->setWidget(m_summary);
    scroll->setWidgetResizable(true);
    m_tabs->addTab(scroll, QStringLiteral("Summary"));
    return m_tabs;
}

bool PipelinePage::run(const QString &pipeline)
{
    m_command->setText(pipeline);
    return start(true, pipeline);
}

bool PipelinePage::attach(qint64 pid)
{
    m_pid->setText(QString::number(pid));
    return start(false, QString::number(pid));
}

bool PipelinePage::start(bool launched, const QString &what)
{
    if (m_meter) {
        m_meter->disconnect(this);
        m_meter->stop();
        m_meter->deleteLater();
    }
    m_meter = new PipelineMeter(this);
    m_meter->setInheritStdio(false); // a GUI has no terminal for the stages to read
    connect(m_meter, &PipelineMeter::sampled, this, &PipelinePage::onSampled);
    connect(m_meter, &PipelineMeter::finished, this, &PipelinePage::onFinished);
    connect(m_meter, &PipelineMeter::errorOccurred, this,
            [this](PipelineMeter::Error, const QString &message) { fail(message); });
    m_model->clear();
    m_history.clear();
    m_recording.clear();
    m_startTimes.clear();
    m_flow->setSnapshot({});
    m_diagnostics->follow({}); // another pipeline: none of the old one's history
    m_summary->setText(QStringLiteral("The summary appears here when the pipeline ends."));
    const bool ok = launched ? m_meter->run(what) : m_meter->attach(what.toLongLong());
    if (!ok) {
        fail(launched ? QStringLiteral("Cannot run %1: %2").arg(what, m_meter->errorString())
                      : QStringLiteral("Cannot attach to %1: %2").arg(what, m_meter->errorString()));
        m_meter->deleteLater();
        m_meter = nullptr;
    } else {
        m_banner->setLook(StageActivityLook::bottleneck({}, QString()), QString());
        m_tabs->setCurrentIndex(0);
    }
    updateButtons();
    return ok;
}

void PipelinePage::stop()
{
    if (m_meter)
        m_meter->stop(); // finished() follows
}

bool PipelinePage::isActive() const
{
    return m_meter && m_meter->isActive();
}

void PipelinePage::onSampled(const MeterSnapshot &snapshot)
{
    rememberStartTimes(snapshot);
    m_model->update(snapshot);
    m_history.append(snapshot);
    m_recording.add(snapshot);
    m_flow->setSnapshot(snapshot);
    QList<qint64> pids;
    for (const StageSample &stage : snapshot.stages)
        pids += stage.pids;
    m_diagnostics->follow(pids);
    QStringList stages;
    for (int i = 0; i < snapshot.stages.size(); ++i)
        stages << QStringLiteral("%1 %2").arg(i + 1).arg(snapshot.stages.at(i).command);
    QStringList pipes;
    for (const auto &pipe : snapshot.pipes) {
        pipes << QStringLiteral("%1 → %2").arg(snapshot.stages.value(pipe.from).command,
                                              snapshot.stages.value(pipe.to).command);
    }
    m_timeline->setStageLabels(stages);
    m_chart->setPipeLabels(pipes);
    m_chart->update();
    m_timeline->update();
    updateBanner(snapshot);
    m_status->setText(QStringLiteral("%1 · %2 s · %3 samples")
                              .arg(m_meter && m_meter->isLaunched() ? QStringLiteral("running") : QStringLiteral("attached"))
                              .arg(snapshot.t, 0, 'f', 1)
                              .arg(m_recording.sampleCount()));
    Q_EMIT updated();
}

void PipelinePage::updateBanner(const MeterSnapshot &snapshot)
{
    const Bottleneck &bottleneck = snapshot.bottleneck;
    const StateLook look = StageActivityLook::bottleneck(bottleneck, snapshot.stages.value(bottleneck.stage).command);
    m_banner->setLook(look, bottleneck.text);
}

void PipelinePage::onFinished(const MeterSummary &summary)
{
    m_diagnostics->follow({});
    m_recording.setSummary(summary);
    m_summary->setSummary(summary);
    m_flow->setFinished(true);
    m_tabs->setCurrentIndex(m_tabs->count() - 1);
    StateLook look = StageActivityLook::bottleneck(summary.bottleneck,
                                                   summary.stages.value(summary.bottleneck.stage).command);
    look.word = (summary.interrupted ? QStringLiteral("Stopped · ") : QStringLiteral("Finished · ")) + look.word;
    m_banner->setLook(look, summary.bottleneck.text);
    m_status->setText(QStringLiteral("%1 after %2 s · %3 samples")
                              .arg(summary.interrupted ? QStringLiteral("stopped") : QStringLiteral("finished"))
                              .arg(summary.duration, 0, 'f', 1)
                              .arg(m_recording.sampleCount()));
    updateButtons();
    Q_EMIT finished();
}

void PipelinePage::rememberStartTimes(const MeterSnapshot &snapshot)
{
    for (const StageSample &stage : snapshot.stages) {
        for (qint64 pid : stage.pids) {
            if (pid > 0 && !m_startTimes.contains(pid)) {
                const ProcessState state = ProcessState::read(pid, QStringLiteral("/proc"),
                                                              ProcessState::Files::StatOnly);
                if (state.isValid())
                    m_startTimes.insert(pid, state.stat().startTime);
            }
        }
    }
}

bool PipelinePage::pauseStage(int index, bool stop)
{
    const StageSample stage = m_model->snapshot().stages.value(index);
    if (stage.pids.isEmpty() || !isActive()) {
        fail(QStringLiteral("Stage %1 is not running: nothing to %2.")
                     .arg(index + 1)
                     .arg(stop ? QStringLiteral("pause") : QStringLiteral("resume")));
        return false;
    }
    const auto action = stop ? ProcessControl::Action::Stop : ProcessControl::Action::Continue;
    bool ok = true;
    for (qint64 pid : stage.pids) {
        Error error;
        // The start time seen when the stage showed up: a pid reused since is refused.
        if (!ProcessControl::send({ pid, m_startTimes.value(pid) }, action, &error)) {
            fail(QStringLiteral("%1 stage %2 (%3): %4")
                         .arg(stop ? QStringLiteral("Pause") : QStringLiteral("Resume"))
                         .arg(index + 1)
                         .arg(stage.command, error.message()));
            ok = false;
        }
    }
    return ok;
}

void PipelinePage::fail(const QString &message)
{
    m_status->setText(message);
    Q_EMIT errorOccurred(message);
}

void PipelinePage::updateButtons()
{
    m_stop->setEnabled(isActive());
}

QString PipelinePage::bottleneckText() const
{
    return m_banner->text();
}

QString PipelinePage::statusText() const
{
    return m_status->text();
}

bool PipelinePage::exportJsonLines(const QString &path)
{
    QString error;
    if (m_recording.writeJsonLines(path, &error))
        return true;
    fail(QStringLiteral("Export: %1").arg(error));
    return false;
}

bool PipelinePage::exportCsv(const QString &path)
{
    QString error;
    if (m_recording.writeCsv(path, &error))
        return true;
    fail(QStringLiteral("Export: %1").arg(error));
    return false;
}

void PipelinePage::askExport(bool json)
{
    const QString filter = json ? QStringLiteral("JSON lines (*.jsonl *.json)") : QStringLiteral("CSV (*.csv)");
    const QString name = json ? QStringLiteral("pipeline.jsonl") : QStringLiteral("pipeline.csv");
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export the run"),
                                                      m_lastDirectory.isEmpty() ? name : m_lastDirectory + u'/' + name,
                                                      filter);
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    if (json ? exportJsonLines(path) : exportCsv(path))
        m_status->setText(QStringLiteral("Exported %1 samples to %2").arg(m_recording.sampleCount()).arg(path));
}

} // namespace PipeScope::Ui
