#pragma once
/// \file pipelinediagnosticsview.h
/// The explorer's diagnostics for the metered pipeline, under the Pipeline page's bottleneck:
/// the meter says where the bytes slow down, this says what is wrong with the pipes between
/// the stages -- "`yes` (pid 12) is blocked writing pipe 812 (full): its reader `cat` (pid 13)
/// is stopped", a leaked write end that keeps a stage from its EOF, a deadlock.
///
/// It subscribes to a SystemMonitor of its own, scoped to the stages' processes (the System
/// page's monitor looks at the whole machine), which scans once a second on its worker
/// thread; the meter's own sampling stays as fast and as cheap as it was. The first scan is
/// not shown: without a rate (two scans make one) a writer caught between two writes of a
/// flowing pipeline reads as "blocked on a full pipe". Warnings and errors only: the
/// explorer's notes ("flowing, waits for room between writes") repeat what the meter shows.
/// Hidden while there is nothing to say.

#include <QLabel>
#include <QList>

namespace PipeScope {
class SystemMonitor;
struct MonitorUpdate;
}

namespace PipeScope::Ui {

class PipelineDiagnosticsView : public QLabel
{
    Q_OBJECT
public:
    explicit PipelineDiagnosticsView(QWidget *parent = nullptr);

    /// Scans the pipes among \a pids from now on (the same processes again: nothing changes);
    /// empty: stops and clears.
    void follow(const QList<qint64> &pids);
    /// One line per diagnostic, most severe first; empty when there is nothing to say.
    QStringList lines() const { return m_lines; }
    SystemMonitor *monitor() const { return m_monitor; }
    /// Scans of these processes so far; their diagnostics are shown from the second on.
    int scans() const { return m_scans; }

private:
    void showUpdate(const PipeScope::MonitorUpdate &update);

    SystemMonitor *m_monitor;
    QList<qint64> m_pids;
    QStringList m_lines;
    int m_scans = 0;
};

} // namespace PipeScope::Ui
