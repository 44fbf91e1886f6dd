#pragma once
/// \file monitorscope.h
/// Which processes and pipes a SystemMonitor looks at: the whole system (the default), or a
/// few processes -- e.g. a lesson's: this process (the host) and the children it started.
/// With a host, a pipe is kept if it is one the host named in `keep`, or if only the other
/// processes hold it (a pipeline inside `sh -c`); a pipe the host holds but did not name came
/// from the host's own parent (its stderr, which the children inherit) and is left out.

#include "pipescopeexport.h"
#include "systemsnapshot.h"

namespace PipeScope {

struct PIPESCOPE_CORE_EXPORT MonitorScope
{
    QList<qint64> pids;   ///< scan only these processes (empty: every process we may see)
    qint64 host = -1;     ///< one of \a pids whose unnamed pipes are left out (-1: none)
    QList<PipeKey> keep;  ///< pipes always kept (with a host: the ones it made)

    bool isEverything() const { return pids.isEmpty(); }
    /// The processes other than the host (their states go into MonitorUpdate::scopeStates).
    QList<qint64> guests() const;
    /// Drops the pipes out of scope, the processes holding none of the rest, and "exited
    /// during the scan" for a scope's process (a child that ended is not news); names the
    /// host in SystemSnapshot::host. Pure.
    void apply(SystemSnapshot &snapshot) const;
};

} // namespace PipeScope
