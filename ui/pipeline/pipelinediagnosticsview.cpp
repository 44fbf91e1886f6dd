#include "pipelinediagnosticsview.h"

#include <pipescope/snapshotformat.h>
#include <pipescope/systemmonitor.h>

#include <algorithm>

namespace PipeScope::Ui {

namespace {

/// A pipe between two stages: one of them writes it, one reads it. The stages' other pipes
/// (a stderr they share with PipeScope's own parent, say) are someone else's business.
bool betweenStages(const PipeInfo &pipe, const QList<qint64> &stagePids)
{
    const auto inPipeline = [&](qint64 pid) { return stagePids.contains(pid); };
    const QList<qint64> readers = pipe.readerPids();
    const QList<qint64> writers = pipe.writerPids();
    return std::any_of(readers.begin(), readers.end(), inPipeline)
           && std::any_of(writers.begin(), writers.end(), inPipeline);
}

} // namespace

PipelineDiagnosticsView::PipelineDiagnosticsView(QWidget *parent)
    : QLabel(parent), m_monitor(new SystemMonitor(QStringLiteral("/proc"), this))
{
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAccessibleName(QStringLiteral("What is wrong with the pipeline's pipes"));
    hide();
    PipeInterest everything; // a pipeline has a few pipes: their fill levels are all wanted
    everything.all = true;
    m_monitor->setInterest(this, everything);
    connect(m_monitor, &SystemMonitor::updated, this, &PipelineDiagnosticsView::showUpdate);
}

void PipelineDiagnosticsView::follow(const QList<qint64> &pids)
{
    QList<qint64> sorted = pids;
    std::sort(sorted.begin(), sorted.end());
    if (sorted == m_pids)
        return;
    const bool same = !m_pids.isEmpty() && !sorted.isEmpty();
    m_pids = sorted;
    if (m_pids.isEmpty()) {
        m_scans = 0;
        m_monitor->stop();
        m_lines.clear();
        clear();
        hide();
        return;
    }
    MonitorScope scope;
    scope.pids = m_pids;
    if (same) {
        m_monitor->updateScope(scope); // a stage forked: keep counting "blocked for 3 s"
    } else {
        m_monitor->setScope(scope);
        m_scans = 0;
    }
    if (!m_monitor->isActive())
        m_monitor->start();
}

void PipelineDiagnosticsView::showUpdate(const MonitorUpdate &update)
{
    if (++m_scans < 2)
        return;
    QList<const Diagnostic *> found;
    for (const PipeInfo &pipe : update.snapshot.pipes) {
        if (!betweenStages(pipe, m_pids))
            continue;
        for (const Diagnostic &diagnostic : pipe.diagnostics) {
            if (diagnostic.severity != Diagnostic::Severity::Info) // "flowing": the meter says so
                found << &diagnostic;
        }
    }
    std::stable_sort(found.begin(), found.end(), [](const Diagnostic *a, const Diagnostic *b) {
        return a->severity > b->severity;
    });
    m_lines.clear();
    for (const Diagnostic *diagnostic : found)
        m_lines << SnapshotFormat::severityMark(diagnostic->severity) + u' ' + diagnostic->text;
    m_lines.removeDuplicates(); // a deadlock is told once per pipe in its cycle
    setText(m_lines.join(u'\n'));
    setVisible(!m_lines.isEmpty());
}

} // namespace PipeScope::Ui
