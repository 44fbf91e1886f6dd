#pragma once
/// \file systemmonitor.h
/// The live view of the system's pipes that every view subscribes to: owns the scanner, the
/// SnapshotTracker and the timer, scans on a worker thread of its own (never the thread it
/// lives in, so a GUI stays responsive while /proc is read), and delivers each result as a
/// value, queued to its own thread, through updated().
///
/// Views say which pipes they show (setInterest(): the visible rows, the gauges in a viewport),
/// and only those get their fill level probed -- the rest of the scan (endpoints, states,
/// diagnostics) covers everything in scope. One pipe can be followed closely (setFocus()): it
/// is re-probed faster, with a peek, through SafeProbe.
///
/// Scans never overlap: a refresh asked for while one runs is done once right after it.
/// Destroying the monitor while a scan runs waits for that scan to end (it is bounded by one
/// pass over /proc) and emits nothing more. Everything but updated()/focusProbed() is for the
/// monitor's own thread.
///
/// Example:
/// \code
///   auto *monitor = new PipeScope::SystemMonitor(QStringLiteral("/proc"), this);
///   connect(monitor, &PipeScope::SystemMonitor::updated, this, &View::show);
///   monitor->setInterest(this, { visibleKeys });
///   monitor->start();                       // a scan now, then every interval()
/// \endcode

#include "pipescopeexport.h"
#include "monitorscope.h"
#include "processstate.h"
#include "safeprobe.h"
#include "snapshottracker.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace PipeScope {

class MonitorWorker;
class ThreadWakeup;

/// The pipes one view wants fill levels for.
struct PIPESCOPE_CORE_EXPORT PipeInterest
{
    QList<PipeKey> pipes;
    int firstPipes = 0; ///< also the first N pipes of each scan (a view with nothing shown yet)
    bool all = false;   ///< every pipe (a command-line listing)
};

/// One scan, ready to show.
struct PIPESCOPE_CORE_EXPORT MonitorUpdate
{
    SystemSnapshot snapshot;   ///< states, diagnostics, since-times; fill levels where asked
    QList<PipeChange> changes; ///< since the previous update (everything Added after setScope())
    /// The states of the scope's processes other than its host (MonitorScope::guests()),
    /// also those holding no pipe.
    QHash<qint64, ProcessState> scopeStates;
    quint64 generation = 0;    ///< counts setScope() calls: updates of an older scope are dropped
    Qt::HANDLE scanThread = nullptr; ///< the thread that made it (never the monitor's)
    qint64 scanNs = 0;         ///< wall time on the worker, scan to diagnostics
};

class PIPESCOPE_CORE_EXPORT SystemMonitor : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 1000;

    explicit SystemMonitor(const QString &procRoot = QStringLiteral("/proc"), QObject *parent = nullptr);
    /// Stops the worker: waits for a scan in progress, emits nothing more.
    ~SystemMonitor() override;

    QString procRoot() const { return m_procRoot; }
    void setInterval(int ms) { m_timer.setInterval(ms); }
    int interval() const { return m_timer.interval(); }
    /// Scans now, then every interval() until stop().
    void start();
    void stop();
    bool isActive() const { return m_timer.isActive(); }
    /// A scan as soon as the worker is free (one more if a scan runs now).
    void refreshNow();
    bool isScanning() const { return m_scanning; }

    /// From the next scan on; forgets the tracker's history (the pipes are others now), and a
    /// scan of the old scope still running is not delivered.
    void setScope(const MonitorScope &scope);
    /// The same subject with other members (a lesson started a child, made a pipe): from the
    /// next scan on, keeping the history, so "blocked for 3 s" goes on counting.
    void updateScope(const MonitorScope &scope) { m_scope = scope; }
    MonitorScope scope() const { return m_scope; }
    /// What \a view shows, replacing what it said before; forgotten when \a view is destroyed.
    void setInterest(const QObject *view, const PipeInterest &interest);
    void clearInterest(const QObject *view);
    /// The union of every view's interest: what the next scan probes.
    PipeInterest interest() const;

    /// Re-probes \a key every \a intervalMs through the read ends the latest scan found, with
    /// a peek of \a peekBytes (-1: none), and emits focusProbed(); an all-zero key stops it.
    void setFocus(const PipeKey &key, qsizetype peekBytes, int intervalMs);
    /// Probes the focused pipe now (if it is in the latest scan).
    void probeFocusNow();

    /// The last update emitted (empty before the first).
    const MonitorUpdate &latest() const { return m_latest; }

Q_SIGNALS:
    void updated(const PipeScope::MonitorUpdate &update);
    void focusProbed(const PipeScope::PipeKey &key, const PipeScope::SafeProbeResult &result);

private Q_SLOTS:
    /// Woken from the worker thread after it left results in its mailbox: takes them all.
    void takeResults();

private:
    void onScanned(const PipeScope::MonitorUpdate &update);
    void onProbed(const PipeScope::PipeKey &key, const PipeScope::SafeProbeResult &result);

    QString m_procRoot;
    QTimer m_timer;
    QTimer m_focusTimer;
    MonitorScope m_scope;
    quint64 m_generation = 0;
    QHash<const QObject *, PipeInterest> m_interests;
    PipeKey m_focus;
    qsizetype m_focusPeek = -1;
    bool m_scanning = false;
    bool m_again = false;
    MonitorUpdate m_latest;
    ThreadWakeup *m_resultsReady; // a child: outlives the worker, which is joined first
    std::unique_ptr<MonitorWorker> m_worker; // and its thread
};

} // namespace PipeScope

Q_DECLARE_METATYPE(PipeScope::MonitorUpdate)
Q_DECLARE_METATYPE(PipeScope::SafeProbeResult)
Q_DECLARE_METATYPE(PipeScope::PipeKey)
