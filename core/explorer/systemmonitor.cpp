#include "systemmonitor.h"

#include "monitorworker.h"

#include <QSet>

namespace PipeScope {

SystemMonitor::SystemMonitor(const QString &procRoot, QObject *parent)
    : QObject(parent), m_procRoot(procRoot), m_worker(std::make_unique<MonitorWorker>(procRoot))
{
    qRegisterMetaType<PipeScope::MonitorUpdate>();
    qRegisterMetaType<PipeScope::SafeProbeResult>();
    qRegisterMetaType<PipeScope::PipeKey>();
    m_thread.setObjectName(QStringLiteral("pipescope-monitor"));
    m_worker->moveToThread(&m_thread);
    // Queued: the worker emits in its thread, the views get the values in ours.
    connect(m_worker.get(), &MonitorWorker::scanned, this, &SystemMonitor::onScanned, Qt::QueuedConnection);
    connect(m_worker.get(), &MonitorWorker::probed, this, &SystemMonitor::onProbed, Qt::QueuedConnection);
    m_thread.start();
    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SystemMonitor::refreshNow);
    connect(&m_focusTimer, &QTimer::timeout, this, &SystemMonitor::probeFocusNow);
}

SystemMonitor::~SystemMonitor()
{
    m_worker->cancelled = true;
    m_thread.quit();
    m_thread.wait(); // the scan in progress ends first; queued results to us are dropped with us
    m_worker.reset();
    // A view that is this monitor itself (or its child) would report its end to a half-gone us.
    for (const QObject *view : m_interests.keys())
        disconnect(view, &QObject::destroyed, this, nullptr);
}

void SystemMonitor::start()
{
    refreshNow();
    m_timer.start();
    if (m_focus.inode != 0)
        m_focusTimer.start();
}

void SystemMonitor::stop()
{
    m_timer.stop();
    m_focusTimer.stop();
}

void SystemMonitor::refreshNow()
{
    if (m_scanning) {
        m_again = true; // coalesced: one scan after the running one, whatever the number of asks
        return;
    }
    m_scanning = true;
    const ScanRequest request { m_scope, interest(), m_generation };
    MonitorWorker *worker = m_worker.get();
    QMetaObject::invokeMethod(worker, [worker, request] { worker->scan(request); }, Qt::QueuedConnection);
}

void SystemMonitor::onScanned(const MonitorUpdate &update)
{
    m_scanning = false;
    if (update.generation == m_generation) {
        m_latest = update;
        Q_EMIT updated(m_latest);
    }
    if (m_again || update.generation != m_generation) {
        m_again = false;
        refreshNow();
    }
}

void SystemMonitor::setScope(const MonitorScope &scope)
{
    m_scope = scope;
    ++m_generation;
    m_latest = MonitorUpdate();
    m_latest.generation = m_generation;
}

void SystemMonitor::setInterest(const QObject *view, const PipeInterest &interest)
{
    if (!m_interests.contains(view)) {
        connect(view, &QObject::destroyed, this, [this, view] { m_interests.remove(view); });
    }
    m_interests.insert(view, interest);
}

void SystemMonitor::clearInterest(const QObject *view)
{
    m_interests.remove(view);
}

PipeInterest SystemMonitor::interest() const
{
    PipeInterest merged;
    QSet<PipeKey> seen;
    for (const PipeInterest &one : m_interests) {
        merged.all = merged.all || one.all;
        merged.firstPipes = std::max(merged.firstPipes, one.firstPipes);
        for (const PipeKey &key : one.pipes) {
            if (!seen.contains(key)) {
                seen.insert(key);
                merged.pipes << key;
            }
        }
    }
    return merged;
}

void SystemMonitor::setFocus(const PipeKey &key, qsizetype peekBytes, int intervalMs)
{
    m_focus = key;
    m_focusPeek = peekBytes;
    m_focusTimer.setInterval(intervalMs);
    if (key.inode == 0)
        m_focusTimer.stop();
    else if (m_timer.isActive())
        m_focusTimer.start();
}

void SystemMonitor::probeFocusNow()
{
    const PipeInfo *pipe = m_focus.inode != 0 ? m_latest.snapshot.pipe(m_focus) : nullptr;
    if (!pipe)
        return;
    MonitorWorker *worker = m_worker.get();
    const PipeInfo copy = *pipe;
    const qsizetype peek = m_focusPeek;
    QMetaObject::invokeMethod(worker, [worker, copy, peek] { worker->probe(copy, peek); }, Qt::QueuedConnection);
}

void SystemMonitor::onProbed(const PipeKey &key, const SafeProbeResult &result)
{
    if (key == m_focus)
        Q_EMIT focusProbed(key, result);
}

} // namespace PipeScope
