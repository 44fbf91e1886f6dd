#include "procscanner.h"

#include "endpointstates.h"
#include "explorerlogging.h"
#include "pipeprobe.h"
#include "procdirectory.h"
#include "sys.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace PipeScope {

namespace {

// Bound the work on one process: a command line is shown, not archived, and a process with
// thousands of threads should not stall the scan.
constexpr qsizetype MaxCmdline = 8192;
constexpr int MaxTasks = 256;

struct FoundEndpoint
{
    PipeKey key;
    QString path;
    bool deleted = false;
    PipeEndpoint endpoint;
};

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

bool isGone(int error)
{
    return error == ENOENT || error == ESRCH;
}

QString skipReason(int error, uint uid)
{
    if (isGone(error))
        return QStringLiteral("exited during the scan");
    if (error == EACCES || error == EPERM) {
        return QStringLiteral("permission denied: process of uid %1; reading its fds needs the "
                              "same user (and a dumpable process), or root / CAP_SYS_PTRACE + "
                              "CAP_DAC_READ_SEARCH")
                .arg(uid);
    }
    return QStringLiteral("cannot list its fds: %1").arg(QString::fromLocal8Bit(std::strerror(error)));
}

class ScanPass
{
public:
    ScanPass(const QString &root, const ScanOptions &options) : m_root(root), m_options(options) { }
    SystemSnapshot run();

private:
    void scanProcess(int procFd, const char *name);
    bool listEndpoints(int pidFd, qint64 pid, QList<FoundEndpoint> *found, int *error);
    std::optional<FoundEndpoint> endpointAt(int pidFd, int fdDir, const char *fdName, qint64 pid);
    std::optional<EndpointMode> modeOf(int pidFd, int fdDir, const char *fdName);
    bool readProcess(int pidFd, qint64 pid, ProcessInfo *info, int *error);
    void readWaits(int pidFd, ProcessInfo *info);
    void readTaskWaits(int pidFd, ProcessInfo *info);
    void skip(int procFd, const char *name, qint64 pid, int error);
    void merge(const QList<FoundEndpoint> &found);
    void sortPipes();

    QString m_root;
    ScanOptions m_options;
    SystemSnapshot m_snapshot;
    QHash<PipeKey, qsizetype> m_index;
};

SystemSnapshot ScanPass::run()
{
    m_snapshot.timestampMs = QDeadlineTimer::current().deadline();
    QElapsedTimer timer;
    timer.start();
    ProcDirectory proc(AT_FDCWD, QFile::encodeName(m_root).constData());
    if (!proc.isValid()) {
        qCWarning(lcExplorer, "open %s: %s", qPrintable(m_root), std::strerror(proc.error()));
        return m_snapshot;
    }
    int ignored = 0;
    if (const auto status = ProcDirectory::readFile(proc.fd(), "self/status", 8192, &ignored))
        m_snapshot.nestedPidNamespace = ProcParsers::pidNamespaceDepth(*status) > 1;
    while (const char *name = proc.next()) {
        if (isPidName(name))
            scanProcess(proc.fd(), name);
    }
    sortPipes();
    m_snapshot.endpointNs = timer.nsecsElapsed() - m_snapshot.stateNs;
    if (m_options.states) {
        timer.restart();
        EndpointStates::resolve(m_snapshot);
        m_snapshot.stateNs += timer.nsecsElapsed();
    }
    return m_snapshot;
}

void ScanPass::scanProcess(int procFd, const char *name)
{
    const qint64 pid = std::strtoll(name, nullptr, 10);
    Fd pidFd(Sys::retryOnEintr(
            [&] { return ::openat(procFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    int error = 0;
    QList<FoundEndpoint> found;
    if (!pidFd || !listEndpoints(pidFd.get(), pid, &found, &error)) {
        skip(procFd, name, pid, pidFd ? error : errno);
        return;
    }
    ++m_snapshot.processesScanned;
    if (found.isEmpty())
        return;
    ProcessInfo info;
    if (!readProcess(pidFd.get(), pid, &info, &error)) {
        --m_snapshot.processesScanned; // it exited after we listed its fds: count it as gone
        skip(procFd, name, pid, error);
        return;
    }
    m_snapshot.processes.insert(pid, info);
    merge(found);
}

bool ScanPass::listEndpoints(int pidFd, qint64 pid, QList<FoundEndpoint> *found, int *error)
{
    ProcDirectory fds(pidFd, "fd");
    if (!fds.isValid()) {
        *error = fds.error();
        return false;
    }
    while (const char *fdName = fds.next()) {
        ++m_snapshot.fdsScanned;
        if (auto endpoint = endpointAt(pidFd, fds.fd(), fdName, pid))
            found->append(*endpoint);
    }
    return true;
}

std::optional<FoundEndpoint> ScanPass::endpointAt(int pidFd, int fdDir, const char *fdName,
                                                  qint64 pid)
{
    int error = 0;
    const std::optional<QByteArray> link = ProcDirectory::readLink(fdDir, fdName, &error);
    if (!link) {
        if (isGone(error))
            ++m_snapshot.fdsVanished;
        return std::nullopt;
    }
    const FdTarget target = ProcParsers::parseFdTarget(*link);
    FoundEndpoint found;
    if (target.kind == FdTarget::Kind::Pipe) {
        found.key = { PipeKind::Pipe, 0, target.inode };
    } else if (target.kind == FdTarget::Kind::Path) {
        // Following the magic link stats the open file itself, whatever its path is now.
        struct stat status = {};
        if (!ProcDirectory::stat(fdDir, fdName, true, &status, &error) || !S_ISFIFO(status.st_mode))
            return std::nullopt;
        found.key = { PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) };
        found.path = target.path;
        found.deleted = target.deleted;
    } else {
        return std::nullopt;
    }
    const std::optional<EndpointMode> mode = modeOf(pidFd, fdDir, fdName);
    if (!mode) {
        ++m_snapshot.fdsVanished;
        return std::nullopt;
    }
    found.endpoint.pid = pid;
    found.endpoint.fd = int(std::strtol(fdName, nullptr, 10));
    found.endpoint.mode = *mode;
    return found;
}

std::optional<EndpointMode> ScanPass::modeOf(int pidFd, int fdDir, const char *fdName)
{
    // The permission bits of the /proc/PID/fd/N link encode the access mode (kernel-facts §5),
    // about 1 µs against 6 µs for fdinfo. A plain symlink (a fixture tree) is 0777, so then
    // fdinfo's flags decide.
    struct stat link = {};
    int error = 0;
    if (ProcDirectory::stat(fdDir, fdName, false, &link, &error)) {
        if (auto mode = ProcParsers::modeFromLinkPermissions(link.st_mode))
            return mode;
    }
    char path[64];
    std::snprintf(path, sizeof path, "fdinfo/%s", fdName);
    const std::optional<QByteArray> text = ProcDirectory::readFile(pidFd, path, 4096, &error);
    const std::optional<FdInfo> info = text ? ProcParsers::parseFdInfo(*text) : std::nullopt;
    if (!info)
        return std::nullopt;
    return ProcParsers::modeFromFlags(info->flags);
}

bool ScanPass::readProcess(int pidFd, qint64 pid, ProcessInfo *info, int *error)
{
    QElapsedTimer timer;
    timer.start();
    const std::optional<QByteArray> statText = ProcDirectory::readFile(pidFd, "stat", 2048, error);
    if (!statText)
        return false;
    info->pid = pid;
    if (const std::optional<ProcStat> stat = ProcParsers::parseStat(*statText)) {
        info->statKnown = true;
        info->comm = stat->comm;
        info->runState = stat->state;
        info->ppid = stat->ppid;
        info->pgrp = stat->pgrp;
        info->session = stat->session;
        info->threads = stat->threads;
        info->startTime = stat->startTime;
    }
    int ignored = 0;
    if (const auto cmdline = ProcDirectory::readFile(pidFd, "cmdline", MaxCmdline, &ignored))
        info->arguments = ProcParsers::parseCmdline(*cmdline);
    info->command = ProcParsers::commandLine(info->arguments, info->comm);
    struct stat owner = {};
    if (Sys::retryOnEintr([&] { return ::fstat(pidFd, &owner); }) == 0)
        info->uid = owner.st_uid;
    if (m_options.states && info->statKnown)
        readWaits(pidFd, info);
    m_snapshot.stateNs += timer.nsecsElapsed();
    return true;
}

void ScanPass::readWaits(int pidFd, ProcessInfo *info)
{
    if (info->threads > 1)
        readTaskWaits(pidFd, info);
    if (info->runState != 'S' && info->runState != 'D')
        return;
    int error = 0;
    const std::optional<QByteArray> wchan = ProcDirectory::readFile(pidFd, "wchan", 256, &error);
    info->wchan = wchan ? ProcParsers::parseWchan(*wchan) : QString();
    info->wait = ProcParsers::classifyWchan(info->wchan);
    if (info->wait == WaitKind::Poll || info->wait == WaitKind::Other || info->threads > 1)
        return; // not in a pipe operation; or tasks were read above, the main one included
    std::optional<SyscallInfo> syscall;
    if (const auto text = ProcDirectory::readFile(pidFd, "syscall", 512, &error))
        syscall = ProcParsers::parseSyscall(*text);
    const ThreadWait wait = EndpointStates::taskWait(info->pid, info->runState, info->wchan, syscall);
    if (wait.kind != WaitKind::None)
        info->pipeWaits << wait;
}

void ScanPass::readTaskWaits(int pidFd, ProcessInfo *info)
{
    ProcDirectory tasks(pidFd, "task");
    int count = 0;
    while (const char *tid = tasks.next()) {
        if (++count > MaxTasks)
            break;
        char path[96];
        std::snprintf(path, sizeof path, "task/%s/wchan", tid);
        int error = 0;
        const auto wchanText = ProcDirectory::readFile(pidFd, path, 256, &error);
        const QString wchan = wchanText ? ProcParsers::parseWchan(*wchanText) : QString();
        const WaitKind kind = ProcParsers::classifyWchan(wchan);
        if (kind != WaitKind::PipeRead && kind != WaitKind::PipeWrite
            && kind != WaitKind::PipeEither && kind != WaitKind::FifoOpen)
            continue;
        std::snprintf(path, sizeof path, "task/%s/syscall", tid);
        std::optional<SyscallInfo> syscall;
        if (const auto text = ProcDirectory::readFile(pidFd, path, 512, &error))
            syscall = ProcParsers::parseSyscall(*text);
        info->pipeWaits << EndpointStates::taskWait(std::strtoll(tid, nullptr, 10), 'S', wchan,
                                                    syscall);
    }
}

void ScanPass::skip(int procFd, const char *name, qint64 pid, int error)
{
    SkippedProcess skipped;
    skipped.pid = pid;
    skipped.error = error;
    struct stat owner = {};
    int ignored = 0;
    if (ProcDirectory::stat(procFd, name, true, &owner, &ignored))
        skipped.uid = owner.st_uid;
    char path[64];
    std::snprintf(path, sizeof path, "%s/stat", name);
    if (const auto text = ProcDirectory::readFile(procFd, path, 2048, &ignored)) {
        if (const auto stat = ProcParsers::parseStat(*text))
            skipped.comm = stat->comm;
    }
    skipped.reason = skipReason(error, skipped.uid);
    m_snapshot.skipped << skipped;
    ++m_snapshot.processesSkipped;
}

void ScanPass::merge(const QList<FoundEndpoint> &found)
{
    for (const FoundEndpoint &item : found) {
        auto it = m_index.constFind(item.key);
        if (it == m_index.cend()) {
            PipeInfo pipe;
            pipe.key = item.key;
            pipe.path = item.path;
            pipe.deleted = item.deleted;
            it = m_index.insert(item.key, m_snapshot.pipes.size());
            m_snapshot.pipes << pipe;
        }
        m_snapshot.pipes[it.value()].endpoints << item.endpoint;
    }
}

void ScanPass::sortPipes()
{
    for (PipeInfo &pipe : m_snapshot.pipes) {
        std::sort(pipe.endpoints.begin(), pipe.endpoints.end(),
                  [](const PipeEndpoint &a, const PipeEndpoint &b) {
                      return a.pid != b.pid ? a.pid < b.pid : a.fd < b.fd;
                  });
    }
    // Pipes of one pipeline sit next to each other when ordered by their first holder.
    std::sort(m_snapshot.pipes.begin(), m_snapshot.pipes.end(),
              [](const PipeInfo &a, const PipeInfo &b) {
                  const qint64 pidA = a.endpoints.value(0).pid, pidB = b.endpoints.value(0).pid;
                  return pidA != pidB ? pidA < pidB : a.key.inode < b.key.inode;
              });
}

} // namespace

ProcScanner::ProcScanner(const QString &root) : m_root(root) { }

SystemSnapshot ProcScanner::scan(const ScanOptions &options) const
{
    SystemSnapshot snapshot = ScanPass(m_root, options).run();
    if (options.fillLevels)
        sampleFillLevels(snapshot);
    return snapshot;
}


namespace {

QString noReaderReason(PipeKind kind)
{
    if (kind == PipeKind::Fifo) {
        return QStringLiteral("no process holds the read end; opening the FIFO would release a "
                              "writer blocked in open() and expose it to SIGPIPE");
    }
    return QStringLiteral("no process holds the read end; opening one would hide EPIPE from "
                          "the writers while it is open");
}

bool sameInode(const PipeSample &sample, const PipeKey &key)
{
    return sample.inode == key.inode
            && (key.kind == PipeKind::Pipe ? !sample.isFifo
                                           : sample.isFifo && sample.device == key.device);
}

void samplePipe(PipeInfo &pipe, const QString &root)
{
    pipe.queued.reset();
    pipe.capacity.reset();
    pipe.unreachableReason.clear();
    QString lastError;
    // Only read ends are reopened (read-only): the probe's fd then changes nothing the holders
    // can observe during the microseconds it is open.
    for (const PipeEndpoint &endpoint : std::as_const(pipe.endpoints)) {
        if (!endpoint.reads())
            continue;
        const PipeSample sample = PipeProbe::forProcessFd(endpoint.pid, endpoint.fd, root).sample();
        if (sample.ok && sameInode(sample, pipe.key)) {
            pipe.queued = sample.queued;
            pipe.capacity = sample.capacity;
            return;
        }
        lastError = sample.ok ? QStringLiteral("fd %1 of process %2 was reused for another file")
                                        .arg(endpoint.fd)
                                        .arg(endpoint.pid)
                              : sample.errorString;
    }
    pipe.unreachableReason = lastError.isEmpty() ? noReaderReason(pipe.key.kind) : lastError;
}

} // namespace

void ProcScanner::sampleFillLevels(SystemSnapshot &snapshot, const QList<PipeKey> &only) const
{
    QElapsedTimer timer;
    timer.start();
    const QSet<PipeKey> wanted(only.cbegin(), only.cend());
    for (PipeInfo &pipe : snapshot.pipes) {
        if (wanted.isEmpty() || wanted.contains(pipe.key))
            samplePipe(pipe, m_root);
    }
    snapshot.fillNs += timer.nsecsElapsed();
}

} // namespace PipeScope
