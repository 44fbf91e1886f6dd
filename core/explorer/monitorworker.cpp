#include "monitorworker.h"

#include "pipediagnostics.h"
#include "processio.h"

#include <QElapsedTimer>
#include <QSet>
#include <QThread>

#include <pthread.h>

namespace PipeScope {

MonitorWorker::MonitorWorker(const QString &procRoot, ThreadWakeup *resultsReady)
    : m_resultsReady(resultsReady), m_scanner(procRoot), m_thread(&MonitorWorker::run, this)
{
}

MonitorWorker::~MonitorWorker()
{
    m_cancelled = true;
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join(); // a scan in progress is bounded by one pass over /proc
}

void MonitorWorker::post(Job job)
{
    {
        const std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

std::optional<MonitorWorker::Result> MonitorWorker::take()
{
    const std::lock_guard lock(m_mutex);
    if (m_results.empty())
        return std::nullopt;
    Result result = std::move(m_results.front());
    m_results.pop_front();
    return result;
}

void MonitorWorker::run()
{
    // 15 bytes at most (pthread_setname_np(3)); shown by top -H, gdb and TSan's reports.
    pthread_setname_np(pthread_self(), "pipescope-monit");
    while (std::optional<Job> job = next()) {
        std::optional<Result> result
            = std::visit([this](const auto &request) { return this->perform(request); }, *job);
        if (result)
            deliver(std::move(*result));
    }
}

std::optional<MonitorWorker::Job> MonitorWorker::next()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
    if (m_stopping)
        return std::nullopt; // the jobs left were asked of a monitor that is going
    Job job = std::move(m_jobs.front());
    m_jobs.pop_front();
    return job;
}

void MonitorWorker::deliver(Result result)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_cancelled)
            return;
        m_results.push_back(std::move(result));
    }
    m_resultsReady->wake(); // an eventfd write: the monitor's take() then locks m_mutex
}

std::optional<MonitorWorker::Result> MonitorWorker::perform(const ScanRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    if (request.generation != m_generation) {
        m_tracker.reset(); // another scope: its pipes are not "changed" from the old ones
        m_generation = request.generation;
    }
    ScanOptions options;
    options.fillLevels = false; // probed below, for the pipes some view shows
    options.pids = request.scope.pids;
    if (!request.scope.isEverything())
        options.threads = 1; // a few processes: no pool
    MonitorUpdate update;
    update.snapshot = m_scanner.scan(options);
    if (m_cancelled)
        return std::nullopt;
    request.scope.apply(update.snapshot);
    sample(update.snapshot, request.interest);
    ProcessIo::read(update.snapshot, m_scanner.root()); // rates: is a "blocked" writer flowing?
    if (m_cancelled)
        return std::nullopt;
    update.changes = m_tracker.update(update.snapshot);
    PipeDiagnostics::annotate(update.snapshot); // after the tracker: "seen blocked for 3 s"
    for (qint64 pid : request.scope.guests())
        update.scopeStates.insert(pid, ProcessState::read(pid, m_scanner.root()));
    update.generation = request.generation;
    update.scanThread = QThread::currentThreadId();
    update.scanNs = timer.nsecsElapsed();
    return update;
}

void MonitorWorker::sample(SystemSnapshot &snapshot, const PipeInterest &interest) const
{
    if (interest.all) {
        m_scanner.sampleFillLevels(snapshot);
        return;
    }
    const QSet<PipeKey> wanted(interest.pipes.cbegin(), interest.pipes.cend());
    QList<PipeKey> keys;
    for (qsizetype i = 0; i < snapshot.pipes.size(); ++i) {
        const PipeKey &key = snapshot.pipes[i].key;
        if (i < interest.firstPipes || wanted.contains(key))
            keys << key;
    }
    if (!keys.isEmpty()) // an empty list would mean "all"
        m_scanner.sampleFillLevels(snapshot, keys);
}

std::optional<MonitorWorker::Result> MonitorWorker::perform(const ProbeRequest &request) const
{
    SafeProbe::Options options;
    options.peekBytes = request.peekBytes;
    options.procRoot = m_scanner.root();
    return ProbeResult { request.pipe.key, SafeProbe::probe(request.pipe, options) };
}

} // namespace PipeScope
