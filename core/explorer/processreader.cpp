#include "processreader.h"

#include "endpointstates.h"
#include "procdirectory.h"
#include "sys.h"

#include <QElapsedTimer>

#include <cstdlib>
#include <cstring>

namespace PipeScope {

namespace {

// Bound the work on one process: a command line is shown, not archived, and a process with
// thousands of threads should not stall the scan.
constexpr qsizetype MaxCmdline = 8192;
constexpr int MaxTasks = 256;

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

bool startsWith(const QByteArray &text, const char *prefix)
{
    return text.startsWith(prefix);
}

// Character devices every process has open (stdin on /dev/null, a terminal) cannot be FIFOs:
// skipping their stat() saves a path walk per fd. devpts holds no FIFOs at all.
bool cannotBeFifo(const QByteArray &link)
{
    return link == "/dev/null" || link == "/dev/zero" || link == "/dev/urandom"
            || link == "/dev/random" || link == "/dev/tty" || link == "/dev/console"
            || link == "/dev/ptmx" || startsWith(link, "/dev/pts/") || startsWith(link, "/dev/tty");
}

std::optional<EndpointMode> modeOf(int pidFd, int fdDir, const char *fdName)
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
    const std::optional<QByteArray> text = ProcDirectory::readSmallFile(pidFd, path, &error);
    const std::optional<FdInfo> info = text ? ProcParsers::parseFdInfo(*text) : std::nullopt;
    if (!info)
        return std::nullopt;
    return ProcParsers::modeFromFlags(info->flags);
}

bool isPipeWait(WaitKind kind)
{
    return kind == WaitKind::PipeRead || kind == WaitKind::PipeWrite
            || kind == WaitKind::PipeEither || kind == WaitKind::FifoOpen;
}

} // namespace

ProcessResult ProcessReader::read(int procFd, const char *name) const
{
    ProcessResult result;
    const qint64 pid = std::strtoll(name, nullptr, 10);
    Fd pidFd(Sys::retryOnEintr(
            [&] { return ::openat(procFd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
    int error = pidFd ? 0 : errno;
    if (!pidFd || !listEndpoints(pidFd.get(), pid, &result, &error)) {
        result.skipped = skip(procFd, name, pid, error);
        result.skippedValid = true;
        return result;
    }
    if (result.endpoints.isEmpty()) {
        result.listed = true;
        return result;
    }
    QElapsedTimer timer;
    timer.start();
    if (!readInfo(pidFd.get(), pid, &result.info, &error)) {
        // It exited after we listed its fds: count it as gone, not as scanned.
        result.endpoints.clear();
        result.skipped = skip(procFd, name, pid, error);
        result.skippedValid = true;
        return result;
    }
    result.stateNs = timer.nsecsElapsed();
    result.listed = true;
    return result;
}

bool ProcessReader::listEndpoints(int pidFd, qint64 pid, ProcessResult *result, int *error) const
{
    ProcDirectory fds(pidFd, "fd");
    if (!fds.isValid()) {
        *error = fds.error();
        return false;
    }
    while (const char *fdName = fds.next()) {
        ++result->fds;
        if (auto endpoint = endpointAt(pidFd, fds.fd(), fdName, pid, result))
            result->endpoints << *endpoint;
    }
    return true;
}

std::optional<FoundEndpoint> ProcessReader::endpointAt(int pidFd, int fdDir, const char *fdName,
                                                       qint64 pid, ProcessResult *result) const
{
    int error = 0;
    const std::optional<QByteArray> link = ProcDirectory::readLink(fdDir, fdName, &error);
    if (!link) {
        result->fdsVanished += isGone(error);
        return std::nullopt;
    }
    const FdTarget target = ProcParsers::parseFdTarget(*link);
    FoundEndpoint found;
    if (target.kind == FdTarget::Kind::Pipe) {
        found.key = { PipeKind::Pipe, 0, target.inode };
    } else if (target.kind == FdTarget::Kind::Path && !cannotBeFifo(*link)) {
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
        ++result->fdsVanished;
        return std::nullopt;
    }
    found.endpoint.pid = pid;
    found.endpoint.fd = int(std::strtol(fdName, nullptr, 10));
    found.endpoint.mode = *mode;
    return found;
}

bool ProcessReader::readInfo(int pidFd, qint64 pid, ProcessInfo *info, int *error) const
{
    const std::optional<QByteArray> statText = ProcDirectory::readSmallFile(pidFd, "stat", error);
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
    return true;
}

void ProcessReader::readWaits(int pidFd, ProcessInfo *info) const
{
    if (info->threads > 1)
        readTaskWaits(pidFd, info);
    if (info->runState != 'S' && info->runState != 'D')
        return;
    int error = 0;
    const std::optional<QByteArray> wchan = ProcDirectory::readSmallFile(pidFd, "wchan", &error);
    info->wchan = wchan ? ProcParsers::parseWchan(*wchan) : QString();
    info->wait = ProcParsers::classifyWchan(info->wchan);
    if (info->wait == WaitKind::Poll || info->wait == WaitKind::Other || info->threads > 1)
        return; // not in a pipe operation; or tasks were read above, the main one included
    std::optional<SyscallInfo> syscall;
    if (const auto text = ProcDirectory::readSmallFile(pidFd, "syscall", &error))
        syscall = ProcParsers::parseSyscall(*text);
    const ThreadWait wait = EndpointStates::taskWait(info->pid, info->runState, info->wchan, syscall);
    if (wait.kind != WaitKind::None)
        info->pipeWaits << wait;
}

void ProcessReader::readTaskWaits(int pidFd, ProcessInfo *info) const
{
    ProcDirectory tasks(pidFd, "task");
    int count = 0;
    while (const char *tid = tasks.next()) {
        if (++count > MaxTasks)
            break;
        char path[96];
        std::snprintf(path, sizeof path, "task/%s/wchan", tid);
        int error = 0;
        const auto wchanText = ProcDirectory::readSmallFile(pidFd, path, &error);
        const QString wchan = wchanText ? ProcParsers::parseWchan(*wchanText) : QString();
        if (!isPipeWait(ProcParsers::classifyWchan(wchan)))
            continue;
        std::snprintf(path, sizeof path, "task/%s/syscall", tid);
        std::optional<SyscallInfo> syscall;
        if (const auto text = ProcDirectory::readSmallFile(pidFd, path, &error))
            syscall = ProcParsers::parseSyscall(*text);
        info->pipeWaits << EndpointStates::taskWait(std::strtoll(tid, nullptr, 10), 'S', wchan,
                                                    syscall);
    }
}

SkippedProcess ProcessReader::skip(int procFd, const char *name, qint64 pid, int error)
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
    if (const auto text = ProcDirectory::readSmallFile(procFd, path, &ignored)) {
        if (const auto stat = ProcParsers::parseStat(*text))
            skipped.comm = stat->comm;
    }
    skipped.reason = skipReason(error, skipped.uid);
    return skipped;
}

} // namespace PipeScope
