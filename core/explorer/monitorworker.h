#pragma once
/// \file monitorworker.h
/// Internal to SystemMonitor: its worker thread, and the mailbox every request and every
/// result passes through. The worker alone touches the SnapshotTracker; the ProcScanner it
/// calls is reentrant (const, no shared state).
///
/// Why a mailbox and a std::thread rather than queued calls to an object in a QThread: Debian's
/// Qt is not built with ThreadSanitizer, so what orders a queued call (QMutex and QThread::wait
/// on futexes inside libQt6Core) is invisible to TSan, and every value a queued call carried
/// across, and the worker's state after QThread::wait(), looked like a race (72 reports in
/// tst_systemmonitor). Here the hand-offs go through a std::mutex and a condition variable and
/// the thread ends with a join, all of which TSan sees, and the monitor is woken through a
/// ThreadWakeup (an eventfd), which carries no data.

#include "procscanner.h"
#include "systemmonitor.h"
#include "threadwakeup.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

namespace PipeScope {

/// What one scan is asked to do: values copied from the monitor's thread.
struct ScanRequest
{
    MonitorScope scope;
    PipeInterest interest;
    quint64 generation = 0;
};

/// One probe of the focused pipe, through the read ends a scan found.
struct ProbeRequest
{
    PipeInfo pipe;
    qsizetype peekBytes = -1;
};

struct ProbeResult
{
    PipeKey key;
    SafeProbeResult result;
};

class MonitorWorker
{
public:
    using Job = std::variant<ScanRequest, ProbeRequest>;
    using Result = std::variant<MonitorUpdate, ProbeResult>;

    /// Starts the thread. After each result it makes, \a resultsReady is woken (several
    /// results may give one woken()): its owner is to take() until there is none.
    MonitorWorker(const QString &procRoot, ThreadWakeup *resultsReady);
    /// Cancels the job in progress (it stops at its next step, unsent), drops those not
    /// started and joins the thread.
    ~MonitorWorker();
    MonitorWorker(const MonitorWorker &) = delete;
    MonitorWorker &operator=(const MonitorWorker &) = delete;

    /// From the monitor's thread: done after the jobs posted before it, in order.
    void post(Job job);
    /// From the monitor's thread: the oldest result not taken yet.
    std::optional<Result> take();

private:
    void run();
    std::optional<Job> next();
    void deliver(Result result);
    std::optional<Result> perform(const ScanRequest &request);
    std::optional<Result> perform(const ProbeRequest &request) const;
    void sample(SystemSnapshot &snapshot, const PipeInterest &interest) const;

    ThreadWakeup *const m_resultsReady;
    // Guarded by m_mutex; m_wake is signalled when a job is posted or m_stopping is set.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    std::deque<Result> m_results;
    bool m_stopping = false;
    // Set by the destructor, read mid-scan without the lock.
    std::atomic<bool> m_cancelled { false };
    // The worker thread's alone.
    const ProcScanner m_scanner;
    SnapshotTracker m_tracker;
    quint64 m_generation = 0;
    std::thread m_thread; // last: it starts once everything above exists
};

} // namespace PipeScope
