#include "processreader.h"

#include "endpointstates.h"
#include "fifoopentarget.h"
#include "procdirectory.h"
#include "processstate.h"
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
    return QStringLiteral("cannot list its fds: %1").arg(Sys::errorText(error));
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

std::optional<EndpointMode> modeOf(const ProcessDir &dir, int fdDir, const char *fdName)
{
    // The permission bits of the /proc/PID/fd/N link encode the access mode (docs/kernel-behaviour.md §5),
    // about 1 µs against 6 µs for fdinfo. A plain symlink (a fixture tree) is 0777, so then
    // fdinfo's flags decide.
    struct stat link = {};
    if (ProcDirectory::stat(fdDir, fdName, false, &link, nullptr)) {
        if (auto mode = ProcParsers::modeFromLinkPermissions(link.st_mode))
            return mode;
    }
    char name[64];
    std::snprintf(name, sizeof name, "fdinfo/%s", fdName);
    const std::optional<QByteArray> text =
            ProcDirectory::readSmallFile(dir.procFd, dir.path(name).data(), nullptr);
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

/// EndpointStates::taskWait(), plus the FIFO an open() waits on.
ThreadWait taskWait(const ProcessDir &dir, qint64 tid, char state, const QString &wchan,
                    const std::optional<SyscallInfo> &syscall)
{
    ThreadWait wait = EndpointStates::taskWait(tid, state, wchan, syscall);
    if (wait.kind == WaitKind::FifoOpen && syscall)
        FifoOpenTarget::resolve(dir.procFd, dir.pid, *syscall, &wait);
    return wait;
}

} // namespace

std::array<char, 160> ProcessDir::path(const char *suffix) const
{
    std::array<char, 160> buffer;
    std::snprintf(buffer.data(), buffer.size(), "%s/%s", pid, suffix);
    return buffer;
}

ProcessResult ProcessReader::read(int procFd, const char *name) const
{
    ProcessResult result;
    const qint64 pid = std::strtoll(name, nullptr, 10);
    const ProcessDir dir { procFd, name };
    Error error;
    if (!listEndpoints(dir, pid, &result, &error)) {
        result.skipped = skip(procFd, name, pid, error);
        result.skippedValid = true;
        return result;
    }
    if (result.endpoints.isEmpty()) {
        result.listed = true;
        // A process blocked opening a FIFO holds no end of it yet, but it is what a user
        // looks for when "nothing happens": one wchan read per such process finds it.
        if (m_options.states && isOpeningFifo(dir))
            readInfo(dir, pid, &result.info, &error); // leaves info empty if it exited meanwhile
        return result;
    }
    QElapsedTimer timer;
    timer.start();
    if (!readInfo(dir, pid, &result.info, &error)) {
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

bool ProcessReader::listEndpoints(const ProcessDir &dir, qint64 pid, ProcessResult *result,
                                  Error *error) const
{
    ProcDirectory fds(dir.procFd, dir.path("fd").data(),
                      m_procfs ? ProcDirectory::Listing::ShortReadEnds : ProcDirectory::Listing::UntilEmpty);
    if (!fds.isValid())
        return Error::report(error, fds.error());
    while (const char *fdName = fds.next()) {
        ++result->fds;
        Error failed;
        if (auto endpoint = endpointAt(dir, fds.fd(), fdName, pid, result, &failed))
            result->endpoints << *endpoint;
        else if (failed.code() == EACCES || failed.code() == EPERM)
            return Error::report(error, failed); // the directory listed, but its links need ptrace access we lack
    }
    return true;
}

std::optional<FoundEndpoint> ProcessReader::endpointAt(const ProcessDir &dir, int fdDir,
                                                       const char *fdName,
                                                       qint64 pid, ProcessResult *result,
                                                       Error *error) const
{
    char buffer[4096];
    const ssize_t length = ProcDirectory::readLink(fdDir, fdName, buffer, sizeof buffer, error);
    if (length < 0) {
        result->fdsVanished += isGone(error->code());
        return std::nullopt;
    }
    // No copy: most links are parsed and dropped ("socket:[..]", "/dev/null").
    const QByteArray link = QByteArray::fromRawData(buffer, length);
    const FdTarget::Kind kind = ProcParsers::targetKind(link);
    FoundEndpoint found;
    if (kind == FdTarget::Kind::Pipe) {
        const FdTarget target = ProcParsers::parseFdTarget(link);
        if (target.kind != FdTarget::Kind::Pipe)
            return std::nullopt;
        found.key = { PipeKind::Pipe, 0, target.inode };
    } else if (kind == FdTarget::Kind::Path && !cannotBeFifo(link)) {
        // Following the magic link stats the open file itself, whatever its path is now.
        struct stat status = {};
        if (!ProcDirectory::stat(fdDir, fdName, true, &status, nullptr) || !S_ISFIFO(status.st_mode))
            return std::nullopt;
        const FdTarget target = ProcParsers::parseFdTarget(link);
        found.key = { PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) };
        found.path = target.path;
        found.deleted = target.deleted;
    } else {
        return std::nullopt;
    }
    const std::optional<EndpointMode> mode = modeOf(dir, fdDir, fdName);
    if (!mode) {
        ++result->fdsVanished;
        return std::nullopt;
    }
    found.endpoint.pid = pid;
    found.endpoint.fd = int(std::strtol(fdName, nullptr, 10));
    found.endpoint.mode = *mode;
    return found;
}

bool ProcessReader::readInfo(const ProcessDir &dir, qint64 pid, ProcessInfo *info, Error *error) const
{
    const ProcessState state = ProcessState::readAt(
            dir.procFd, dir.pid, m_options.states ? ProcessState::Files::Waits : ProcessState::Files::StatOnly);
    if (!state.isValid() && state.error().code() != EINVAL)
        return Error::report(error, state.error()); // a malformed stat still lists the process, without its state
    info->pid = pid;
    if (state.isValid()) {
        const ProcStat &stat = state.stat();
        info->statKnown = true;
        info->comm = stat.comm;
        info->runState = stat.state;
        info->ppid = stat.ppid;
        info->pgrp = stat.pgrp;
        info->session = stat.session;
        info->threads = stat.threads;
        info->startTime = stat.startTime;
    }
    if (const auto cmdline = ProcDirectory::readFile(dir.procFd, dir.path("cmdline").data(),
                                                     MaxCmdline, nullptr))
        info->arguments = ProcParsers::parseCmdline(*cmdline);
    info->command = ProcParsers::commandLine(info->arguments, info->comm);
    if (m_options.states && info->statKnown)
        readWaits(dir, state, info);
    return true;
}

void ProcessReader::readWaits(const ProcessDir &dir, const ProcessState &state, ProcessInfo *info) const
{
    if (info->threads > 1)
        readTaskWaits(dir, info);
    if (info->runState != 'S' && info->runState != 'D')
        return;
    info->wchan = state.wchan();
    info->wait = ProcParsers::classifyWchan(info->wchan);
    if (info->wait == WaitKind::Poll || info->wait == WaitKind::Other || info->threads > 1)
        return; // not in a pipe operation; or tasks were read above, the main one included
    ThreadWait wait = state.mainWait();
    if (wait.kind == WaitKind::FifoOpen && state.syscall())
        FifoOpenTarget::resolve(dir.procFd, dir.pid, *state.syscall(), &wait);
    if (wait.kind != WaitKind::None)
        info->pipeWaits << wait;
}

bool ProcessReader::isOpeningFifo(const ProcessDir &dir)
{
    const std::optional<QByteArray> wchan = ProcDirectory::readSmallFile(dir.procFd, dir.path("wchan").data(), nullptr);
    return wchan && ProcParsers::classifyWchan(ProcParsers::parseWchan(*wchan)) == WaitKind::FifoOpen;
}

void ProcessReader::readTaskWaits(const ProcessDir &dir, ProcessInfo *info) const
{
    ProcDirectory tasks(dir.procFd, dir.path("task").data());
    int count = 0;
    while (const char *tid = tasks.next()) {
        if (++count > MaxTasks)
            break;
        char path[96];
        std::snprintf(path, sizeof path, "task/%s/wchan", tid);
        const auto wchanText = ProcDirectory::readSmallFile(dir.procFd, dir.path(path).data(), nullptr);
        const QString wchan = wchanText ? ProcParsers::parseWchan(*wchanText) : QString();
        if (!isPipeWait(ProcParsers::classifyWchan(wchan)))
            continue;
        std::snprintf(path, sizeof path, "task/%s/syscall", tid);
        std::optional<SyscallInfo> syscall;
        if (const auto text = ProcDirectory::readSmallFile(dir.procFd, dir.path(path).data(), nullptr))
            syscall = ProcParsers::parseSyscall(*text);
        info->pipeWaits << taskWait(dir, std::strtoll(tid, nullptr, 10), 'S', wchan, syscall);
    }
}

SkippedProcess ProcessReader::skip(int procFd, const char *name, qint64 pid, const Error &error)
{
    SkippedProcess skipped;
    skipped.pid = pid;
    struct stat owner = {};
    if (ProcDirectory::stat(procFd, name, true, &owner, nullptr))
        skipped.uid = owner.st_uid;
    skipped.comm = ProcessState::readAt(procFd, name, ProcessState::Files::StatOnly).name();
    skipped.error = Error(skipReason(error.code(), skipped.uid), error.code());
    return skipped;
}

} // namespace PipeScope
