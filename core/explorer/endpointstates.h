#pragma once
/// \file endpointstates.h
/// Pure rules that turn what /proc says about a process (state letter, wchan, syscall) into the
/// state of each of its pipe endpoints. The wchan says *that* a task sleeps in a pipe read or
/// write; /proc/PID/syscall says on *which* fd (its first argument). Fill levels are never used:
/// a writer of 2049-byte records blocks at 50 % (docs/kernel-behaviour.md §10).

#include "pipescopeexport.h"
#include "systemsnapshot.h"

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT EndpointStates
{
public:
    /// What task \a tid (in state \a state, sleeping in \a wchan, inside \a syscall if known)
    /// waits for. kind None/Poll/Other for a task that is not in a pipe operation. With a hidden
    /// wchan, a sleeping task inside read()/write() is reported as `inferred`: the caller
    /// accepts it only if the fd is one of the process's pipe endpoints.
    static ThreadWait taskWait(qint64 tid, char state, const QString &wchan,
                               const std::optional<SyscallInfo> &syscall);

    /// The state of \a endpoint given its process and all endpoints that process holds.
    static EndpointState stateOf(const ProcessInfo &process, const PipeEndpoint &endpoint,
                                 const QList<PipeEndpoint> &processEndpoints);

    /// Sets PipeEndpoint::state of every endpoint in \a snapshot from snapshot.processes.
    static void resolve(SystemSnapshot &snapshot);
};

} // namespace PipeScope
