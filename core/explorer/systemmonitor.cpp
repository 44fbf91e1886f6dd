#include "systemmonitor.h"

#include "monitorworker.h"
#include "threadwakeup.h"

#include <QPointer>
#include <QSet>

namespace PipeScope {

SystemMonitor::SystemMonitor(const QString &procRoot, QObject *parent)
    : QObject(parent), m_procRoot(procRoot), m_resultsReady(new ThreadWakeup(this)),
      m_worker(std::make_unique<MonitorWorker>(procRoot, m_resultsReady))
{
    connect(m_resultsReady, &ThreadWakeup::woken, this, &SystemMonitor::takeResults);
    qRegisterMetaType<PipeScope::MonitorUpdate>();
    qRegisterMetaType<PipeScope::SafeProbeResult>();
    qRegisterMetaType<PipeScope::PipeKey>();
    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SystemMonitor::refreshNow);
    connect(&m_focusTimer, &QTimer::timeout, this, &SystemMonitor::probeFocusNow);
}

SystemMonitor::~SystemMonitor()
{
    // Joins the worker after the scan in progress; a wake-up it left dies with m_resultsReady.
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
    m_worker->post(ScanRequest { m_scope, interest(), m_generation });
}

void SystemMonitor::takeResults()
{
    QPointer<SystemMonitor> guard(this); // a receiver of updated() may destroy us
    while (std::optional<MonitorWorker::Result> result = m_worker->take()) {
        if (const auto *update = std::get_if<MonitorUpdate>(&*result)) {
            onScanned(*update);
        } else {
            const ProbeResult &probe = std::get<ProbeResult>(*result);
            onProbed(probe.key, probe.result);
        }
        if (!guard)
            return;
    }
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
    m_worker->post(ProbeRequest { *pipe, m_focusPeek });
}

void SystemMonitor::onProbed(const PipeKey &key, const SafeProbeResult &result)
{
    if (key == m_focus)
        Q_EMIT focusProbed(key, result);
}

} // namespace PipeScope
