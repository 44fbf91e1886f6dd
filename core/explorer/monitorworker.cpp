#include "monitorworker.h"

#include "pipediagnostics.h"
#include "processio.h"

#include <QElapsedTimer>
#include <QSet>

namespace PipeScope {

void MonitorWorker::scan(const ScanRequest &request)
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
    if (cancelled)
        return;
    request.scope.apply(update.snapshot);
    sample(update.snapshot, request.interest);
    ProcessIo::read(update.snapshot, m_scanner.root()); // rates: is a "blocked" writer flowing?
    if (cancelled)
        return;
    update.changes = m_tracker.update(update.snapshot);
    PipeDiagnostics::annotate(update.snapshot); // after the tracker: "seen blocked for 3 s"
    for (qint64 pid : request.scope.guests())
        update.scopeStates.insert(pid, ProcessState::read(pid, m_scanner.root()));
    update.generation = request.generation;
    update.scanThread = QThread::currentThreadId();
    update.scanNs = timer.nsecsElapsed();
    Q_EMIT scanned(update);
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

void MonitorWorker::probe(const PipeInfo &pipe, qsizetype peekBytes)
{
    SafeProbe::Options options;
    options.peekBytes = peekBytes;
    options.procRoot = m_scanner.root();
    const SafeProbeResult result = SafeProbe::probe(pipe, options);
    if (!cancelled)
        Q_EMIT probed(pipe.key, result);
}

} // namespace PipeScope
