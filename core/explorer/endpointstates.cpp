#include "endpointstates.h"

namespace PipeScope {

namespace {

bool holdsFd(const QList<PipeEndpoint> &endpoints, int fd)
{
    for (const PipeEndpoint &endpoint : endpoints) {
        if (endpoint.fd == fd)
            return true;
    }
    return false;
}

// Without the syscall file (another user's process) the fd is unknown; if the process holds
// exactly one end that the wait could be on, that end is the one.
int uniqueCandidate(const QList<PipeEndpoint> &endpoints, WaitKind kind)
{
    int found = -1;
    for (const PipeEndpoint &endpoint : endpoints) {
        const bool fits = kind == WaitKind::PipeEither
                || (kind == WaitKind::PipeRead ? endpoint.reads() : endpoint.writes());
        if (!fits || endpoint.fd == found)
            continue;
        if (found >= 0)
            return -1;
        found = endpoint.fd;
    }
    return found;
}

EndpointState blockedState(WaitKind kind, EndpointMode mode)
{
    if (kind == WaitKind::PipeRead)
        return EndpointState::BlockedRead;
    if (kind == WaitKind::PipeWrite)
        return EndpointState::BlockedWrite;
    return mode == EndpointMode::Write ? EndpointState::BlockedWrite : EndpointState::BlockedRead;
}

bool isSleepState(char state)
{
    return state == 'S' || state == 'D';
}

} // namespace

ThreadWait EndpointStates::taskWait(qint64 tid, char state, const QString &wchan,
                                    const std::optional<SyscallInfo> &syscall)
{
    ThreadWait wait;
    wait.tid = tid;
    if (!isSleepState(state))
        return wait;
    WaitKind kind = ProcParsers::classifyWchan(wchan);
    if (kind == WaitKind::PipeRead || kind == WaitKind::PipeWrite || kind == WaitKind::PipeEither) {
        if (syscall) {
            if (kind == WaitKind::PipeEither)
                kind = ProcParsers::syscallDirection(*syscall);
            wait.fd = ProcParsers::waitedFd(*syscall, kind);
        }
        wait.kind = kind;
        return wait;
    }
    if (kind == WaitKind::None && syscall) {
        // wchan "0" while asleep: hidden or unsupported. The syscall alone still names a
        // read/write and its fd; the caller checks that fd is a pipe end.
        const WaitKind direction = ProcParsers::syscallDirection(*syscall);
        const int fd = ProcParsers::waitedFd(*syscall, direction);
        if (direction != WaitKind::PipeEither && fd >= 0) {
            wait.kind = direction;
            wait.fd = fd;
            wait.inferred = true;
            return wait;
        }
    }
    wait.kind = kind;
    return wait;
}

EndpointState EndpointStates::stateOf(const ProcessInfo &process, const PipeEndpoint &endpoint,
                                      const QList<PipeEndpoint> &processEndpoints)
{
    if (!process.statKnown)
        return EndpointState::Unknown;
    switch (process.runState) {
    case 'T':
    case 't':
        return EndpointState::Stopped;
    case 'Z':
    case 'X':
    case 'x':
        return EndpointState::Zombie;
    default:
        break;
    }
    bool blockedOnOtherPipe = false;
    bool openingFifo = false;
    for (const ThreadWait &wait : process.pipeWaits) {
        if (wait.kind == WaitKind::FifoOpen) {
            openingFifo = true;
            continue;
        }
        if (wait.inferred && !holdsFd(processEndpoints, wait.fd))
            continue;
        const int fd = wait.fd >= 0 ? wait.fd : uniqueCandidate(processEndpoints, wait.kind);
        if (fd == endpoint.fd)
            return blockedState(wait.kind, endpoint.mode);
        blockedOnOtherPipe = blockedOnOtherPipe || fd >= 0;
    }
    if (openingFifo)
        return EndpointState::BlockedOpen;
    // In a multi-threaded process another thread may still serve this fd.
    if (blockedOnOtherPipe && process.threads == 1)
        return EndpointState::BlockedElsewhere;
    return process.runState == 'R' ? EndpointState::Running : EndpointState::Sleeping;
}

void EndpointStates::resolve(SystemSnapshot &snapshot)
{
    QHash<qint64, QList<PipeEndpoint>> byProcess;
    for (const PipeInfo &pipe : std::as_const(snapshot.pipes)) {
        for (const PipeEndpoint &endpoint : pipe.endpoints)
            byProcess[endpoint.pid] << endpoint;
    }
    for (PipeInfo &pipe : snapshot.pipes) {
        for (PipeEndpoint &endpoint : pipe.endpoints) {
            const ProcessInfo *process = snapshot.process(endpoint.pid);
            endpoint.state = process ? stateOf(*process, endpoint, byProcess.value(endpoint.pid))
                                     : EndpointState::Unknown;
        }
    }
}

} // namespace PipeScope
