#include "procscanner.h"

#include "endpointstates.h"
#include "explorerlogging.h"
#include "procdirectory.h"
#include "processreader.h"
#include "safeprobe.h"
#include "sys.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <unistd.h>
#include <vector>

namespace PipeScope {

namespace {

bool isPidName(const char *name)
{
    if (*name < '1' || *name > '9')
        return false;
    for (const char *c = name; *c; ++c) {
        if (*c < '0' || *c > '9')
            return false;
    }
    return true;
}

int workerCount(int requested, qsizetype items)
{
    // Threads pay off only with enough work: /proc reads are syscalls, each cheap.
    if (items < 64)
        return 1;
    const int threads = requested > 0 ? requested : std::min(QThread::idealThreadCount(), 4);
    return int(std::clamp<qsizetype>(threads, 1, items));
}

/// Runs \a work(item) for items 0..count-1 on \a threads threads (this one included), each
/// taking the next few items until none are left, so uneven items (a process with 20,000
/// fds) do not leave the other threads idle.
template<typename Work>
void forEachParallel(qsizetype count, int threads, const Work &work)
{
    std::atomic<qsizetype> next { 0 };
    const auto worker = [&] {
        constexpr qsizetype Batch = 8;
        for (qsizetype first = next.fetch_add(Batch); first < count; first = next.fetch_add(Batch)) {
            for (qsizetype i = first; i < std::min(count, first + Batch); ++i)
                work(i);
        }
    };
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back(worker);
    worker();
    for (std::thread &thread : pool)
        thread.join();
}

class ScanPass
{
public:
    ScanPass(const QString &root, const ScanOptions &options) : m_root(root), m_options(options) { }
    SystemSnapshot run();

private:
    void merge(ProcessResult &result);
    PipeInfo &pipeFor(const PipeKey &key, const QString &path, bool deleted);
    void sortPipes();

    QString m_root;
    ScanOptions m_options;
    SystemSnapshot m_snapshot;
    QHash<PipeKey, qsizetype> m_index;
};

/// The initial PID namespace has a fixed inode (PROC_PID_INIT_INO, include/linux/proc_ns.h).
bool inInitialPidNamespace(int procFd)
{
    char link[64] = {};
    const ssize_t length = ::readlinkat(procFd, "self/ns/pid", link, sizeof link - 1);
    return length < 0 || qstrcmp(link, "pid:[4026531836]") == 0; // unknown: assume the initial
}

SystemSnapshot ScanPass::run()
{
    m_snapshot.timestampMs = QDeadlineTimer::current().deadline();
    QElapsedTimer timer;
    timer.start();
    ProcDirectory proc(AT_FDCWD, QFile::encodeName(m_root).constData());
    const bool procfs = proc.isValid() && ProcDirectory::isProcfs(proc.fd());
    if (!proc.isValid()) {
        m_snapshot.rootError = proc.error().code();
        qCWarning(lcExplorer, "open %s: %s", qPrintable(m_root), std::strerror(proc.error().code()));
        return m_snapshot;
    }
    if (const auto status = ProcDirectory::readFile(proc.fd(), "self/status", 8192, nullptr))
        m_snapshot.nestedPidNamespace = ProcParsers::pidNamespaceDepth(*status) > 1;
    // Where /proc was mounted inside the namespace (Docker, `unshare --pid --mount-proc`),
    // NSpid shows one level; the namespace's inode still tells it is not the initial one.
    if (!m_snapshot.nestedPidNamespace && procfs)
        m_snapshot.nestedPidNamespace = !inInitialPidNamespace(proc.fd());
    QByteArrayList pids;
    for (qint64 pid : std::as_const(m_options.pids))
        pids << QByteArray::number(pid);
    while (const char *name = m_options.pids.isEmpty() ? proc.next() : nullptr) {
        if (isPidName(name))
            pids << QByteArray(name);
    }
    std::vector<ProcessResult> results(size_t(pids.size()));
    const ProcessReader reader(m_options, procfs);
    forEachParallel(pids.size(), workerCount(m_options.threads, pids.size()), [&](qsizetype i) {
        results[size_t(i)] = reader.read(proc.fd(), pids[i].constData());
    });
    for (ProcessResult &result : results)
        merge(result);
    sortPipes();
    m_snapshot.endpointNs = timer.nsecsElapsed();
    if (m_options.states) {
        timer.restart();
        EndpointStates::resolve(m_snapshot);
        m_snapshot.stateNs += timer.nsecsElapsed();
    }
    return m_snapshot;
}

void ScanPass::merge(ProcessResult &result)
{
    m_snapshot.fdsScanned += result.fds;
    m_snapshot.fdsVanished += result.fdsVanished;
    m_snapshot.stateNs += result.stateNs;
    if (result.skippedValid) {
        m_snapshot.skipped << result.skipped;
        ++m_snapshot.processesSkipped;
        return;
    }
    ++m_snapshot.processesScanned;
    const ProcessInfo &process = result.info;
    const auto opening = [](const ThreadWait &wait) { return wait.kind == WaitKind::FifoOpen; };
    if (result.endpoints.isEmpty() && std::none_of(process.pipeWaits.cbegin(), process.pipeWaits.cend(), opening))
        return;
    m_snapshot.processes.insert(process.pid, process);
    for (const FoundEndpoint &item : std::as_const(result.endpoints))
        pipeFor(item.key, item.path, item.deleted).endpoints << item.endpoint;
    for (const ThreadWait &wait : process.pipeWaits) {
        if (opening(wait) && wait.fifo.inode != 0)
            pipeFor(wait.fifo, wait.fifoPath, false).openers << FifoOpener { process.pid, wait.tid, wait.openMode };
    }
}

PipeInfo &ScanPass::pipeFor(const PipeKey &key, const QString &path, bool deleted)
{
    auto it = m_index.constFind(key);
    if (it == m_index.cend()) {
        PipeInfo pipe;
        pipe.key = key;
        pipe.path = path;
        pipe.deleted = deleted;
        it = m_index.insert(key, m_snapshot.pipes.size());
        m_snapshot.pipes << pipe;
    }
    return m_snapshot.pipes[it.value()];
}

/// The pid a pipe is sorted by: its lowest holder, else its lowest opener.
qint64 firstPid(const PipeInfo &pipe)
{
    if (!pipe.endpoints.isEmpty())
        return pipe.endpoints.first().pid;
    return pipe.openers.isEmpty() ? 0 : pipe.openers.first().pid;
}

void ScanPass::sortPipes()
{
    for (PipeInfo &pipe : m_snapshot.pipes) {
        std::sort(pipe.openers.begin(), pipe.openers.end(),
                  [](const FifoOpener &a, const FifoOpener &b) { return a.tid < b.tid; });
        std::sort(pipe.endpoints.begin(), pipe.endpoints.end(),
                  [](const PipeEndpoint &a, const PipeEndpoint &b) {
                      return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd;
                  });
    }
    // Pipes of one pipeline sit next to each other when ordered by their first holder.
    std::sort(m_snapshot.pipes.begin(), m_snapshot.pipes.end(),
              [](const PipeInfo &a, const PipeInfo &b) {
                  const qint64 pidA = firstPid(a), pidB = firstPid(b);
                  return pidA != pidB ? pidA < pidB : a.key.inode < b.key.inode;
              });
}

} // namespace

ProcScanner::ProcScanner(const QString &root) : m_root(root) { }

SystemSnapshot ProcScanner::scan(const ScanOptions &options) const
{
    SystemSnapshot snapshot = ScanPass(m_root, options).run();
    if (options.fillLevels)
        sampleFillLevels(snapshot, {}, options.threads);
    return snapshot;
}


namespace {

void samplePipe(PipeInfo &pipe, const QString &root)
{
    SafeProbe::Options options;
    options.procRoot = root;
    const SafeProbeResult result = SafeProbe::probe(pipe, options);
    pipe.queued.reset();
    pipe.capacity.reset();
    pipe.unreachableReason.clear();
    if (result.ok()) {
        pipe.queued = result.sample.queued;
        pipe.capacity = result.sample.capacity;
    } else {
        pipe.unreachableReason = result.error.message();
    }
}

} // namespace

void ProcScanner::sampleFillLevels(SystemSnapshot &snapshot, const QList<PipeKey> &only,
                                   int threads) const
{
    QElapsedTimer timer;
    timer.start();
    const QSet<PipeKey> wanted(only.cbegin(), only.cend());
    // Detach once here: worker threads then write distinct elements through the pointer.
    PipeInfo *pipes = snapshot.pipes.data();
    const qsizetype count = snapshot.pipes.size();
    const int workers = workerCount(threads, wanted.isEmpty() ? count : wanted.size());
    forEachParallel(count, workers, [&](qsizetype i) {
        if (wanted.isEmpty() || wanted.contains(pipes[i].key))
            samplePipe(pipes[i], m_root);
    });
    snapshot.fillNs += timer.nsecsElapsed();
}

} // namespace PipeScope
