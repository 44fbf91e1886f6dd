// The System page's inspector: the selected pipe, its live gauge and peek, and pausing its
// reader (SystemPage's other half; the scan and the filters are in systempage.cpp).
#include "systempage.h"

#include "endpointgraph.h"
#include "hexview.h"
#include "kernelbuffergauge.h"
#include "systempipesmodel.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/processcontrol.h>
#include <pipescope/snapshotformat.h>

#include <QAction>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace PipeScope::Ui {

namespace {

constexpr qsizetype PeekBytes = 4096;

QString placeholderTitle()
{
    return QStringLiteral("Select a pipe in the graph or the table.");
}

} // namespace

QWidget *SystemPage::createInspector()
{
    auto *panel = new QWidget(this);
    auto *column = new QVBoxLayout(panel);
    m_title = new QLabel(placeholderTitle(), panel);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_gauge = new KernelBufferGauge(panel);
    m_details = new QLabel(panel);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_pause = new QPushButton(QStringLiteral("Pause this reader"), panel);
    m_pause->setToolTip(QStringLiteral("SIGSTOP the reader's process: watch the buffer fill and the "
                                       "writer block. Press again to resume it (SIGCONT)."));
    m_pause->setEnabled(false);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (readerPid(true) > 0)
            resumeReader();
        else
            pauseReader();
    });
    m_peek = new HexView(panel);
    column->addWidget(m_title);
    column->addWidget(m_gauge);
    column->addWidget(m_pause);
    auto *meter = new QToolButton(panel);
    meter->setDefaultAction(m_meter);
    column->addWidget(meter);
    column->addWidget(m_details);
    column->addWidget(m_peek, 1);
    return panel;
}

void SystemPage::selectPipe(const QString &key)
{
    m_selected = key;
    const int row = m_model->rowOf(key);
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (index.isValid() && m_table->currentIndex().row() != index.row())
        m_table->setCurrentIndex(index);
    m_graph->selectPipe(key);
    refreshInspector();
}

void SystemPage::revealPipe(const QString &key)
{
    if (m_model->rowOf(key) >= 0)
        selectPipe(key);
    m_reveal = key; // a lesson's pipe may be newer than the latest scan: checked again after the next
    refreshNow();
}

void SystemPage::onRowsLeaving(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        if (!m_selected.isEmpty() && m_proxy->index(row, 0).data(SystemPipesModel::KeyRole).toString() == m_selected) {
            clearSelection();
            return;
        }
    }
}

void SystemPage::clearSelection()
{
    m_selected.clear();
    m_table->selectionModel()->clear(); // current too: no neighbour steps in
    m_graph->selectPipe(QString());
    refreshInspector();
}

void SystemPage::onCurrentRowChanged()
{
    const QString key = m_table->currentIndex().data(SystemPipesModel::KeyRole).toString();
    if (!key.isEmpty() && key != m_selected)
        selectPipe(key);
}

qint64 SystemPage::readerPid(bool stopped) const
{
    const PipeInfo *pipe = m_model->pipe(m_selected);
    if (!pipe)
        return -1;
    for (const PipeEndpoint &endpoint : pipe->endpoints) {
        if (endpoint.reads() && (endpoint.state == EndpointState::Stopped) == stopped)
            return endpoint.pid;
    }
    return -1;
}

void SystemPage::refreshInspector()
{
    const PipeInfo *pipe = m_model->pipe(m_selected);
    m_pause->setEnabled(pipe && pipe->hasReader());
    updateFocus();
    m_meter->setEnabled(pipe && !pipe->endpoints.isEmpty());
    m_onlyHolder->setEnabled(pipe && !pipe->endpoints.isEmpty());
    if (pipe && !pipe->endpoints.isEmpty())
        m_onlyHolder->setText(QStringLiteral("Only PID %1 (%2)")
                                      .arg(pipe->endpoints.first().pid)
                                      .arg(m_monitor->latest().snapshot.commandOf(pipe->endpoints.first().pid)));
    if (!pipe) {
        m_title->setText(placeholderTitle());
        m_details->clear();
        m_gauge->setValues(-1, -1);
        m_peek->setData({}, 0, {}, QString());
        m_pause->setText(QStringLiteral("Pause this reader"));
        return;
    }
    const SystemSnapshot &snapshot = m_model->snapshot();
    m_title->setText(SnapshotFormat::pipeTitle(*pipe));
    // The button names the process it signals.
    const qint64 stopped = readerPid(true);
    const qint64 running = readerPid(false);
    if (stopped > 0)
        m_pause->setText(QStringLiteral("Resume reader %1").arg(PipeDiagnostics::processName(snapshot, stopped)));
    else if (running > 0)
        m_pause->setText(QStringLiteral("Pause reader %1").arg(PipeDiagnostics::processName(snapshot, running)));
    else
        m_pause->setText(QStringLiteral("Pause this reader"));
    QStringList lines;
    for (const PipeEndpoint &endpoint : pipe->endpoints) {
        lines << SnapshotFormat::escaped(QStringLiteral("%1 fd %2 (%3): %4")
                                                 .arg(PipeDiagnostics::processName(snapshot, endpoint.pid))
                                                 .arg(endpoint.fd)
                                                 .arg(endpointModeName(endpoint.mode), endpointStateName(endpoint.state)));
    }
    for (const FifoOpener &opener : pipe->openers)
        lines << SnapshotFormat::escaped(SnapshotFormat::openerText(snapshot, opener, snapshot.timestampMs));
    for (const Diagnostic &diagnostic : pipe->diagnostics)
        lines << severityName(diagnostic.severity) + QStringLiteral(": ") + SnapshotFormat::escaped(diagnostic.text);
    m_details->setText(lines.join(u'\n'));
}

void SystemPage::updateFocus()
{
    // The live gauge and peek: the monitor re-probes the selected pipe through a read end its
    // holders have (never opening one where none exists) and delivers it to showProbe().
    const PipeInfo *pipe = m_model->pipe(m_selected);
    const PipeKey key = pipe ? pipe->key : PipeKey();
    m_monitor->setFocus(key, PeekBytes, InspectorIntervalMs);
    if (pipe)
        m_monitor->probeFocusNow();
}

void SystemPage::showProbe(const PipeKey &key, const SafeProbeResult &result)
{
    const PipeInfo *pipe = m_model->pipe(m_selected);
    if (!pipe || pipe->key != key)
        return; // the selection moved on meanwhile
    const qint64 queued = result.ok() ? result.sample.queued : -1;
    m_gauge->setValues(queued, result.ok() ? result.sample.capacity : -1);
    const QString error = result.ok() ? result.peekError.message() : result.error.message();
    m_peek->setData({}, 0, result.peeked.value_or(QByteArray()), queued < 0 ? error : QString());
}

bool SystemPage::pauseReader()
{
    return signalReader(true);
}

bool SystemPage::resumeReader()
{
    return signalReader(false);
}

bool SystemPage::signalReader(bool stop)
{
    const qint64 pid = readerPid(!stop);
    if (pid <= 0) {
        Q_EMIT errorOccurred(stop ? QStringLiteral("The selected pipe has no running reader to pause.")
                                  : QStringLiteral("The selected pipe has no stopped reader to resume."));
        return false;
    }
    const auto action = stop ? ProcessControl::Action::Stop : ProcessControl::Action::Continue;
    const ProcessControl::Plan plan = ProcessControl::plan(m_model->snapshot(), pid, action);
    Error error;
    if (!ProcessControl::send(plan.target, action, &error)) {
        Q_EMIT errorOccurred(error.message());
        return false;
    }
    refreshNow();
    return true;
}

} // namespace PipeScope::Ui
