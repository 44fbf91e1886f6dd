#pragma once
/// \file snapshottracker.h
/// Follows snapshots over time: carries "in this state since" across scans (so diagnostics can
/// say "blocked for 3 s") and tells which pipes appeared, changed (fill level, capacity,
/// endpoints or their states) or went away — what `pipescope watch` prints and what the GUI
/// merges row by row.
///
/// An endpoint is the same across scans when its pid, the process's start time (pids are
/// reused), its fd and the pipe all match. A state first seen in a scan is dated to that scan's
/// start: the true start may be earlier, never later. FIFO openers (FifoOpener::sinceMs) are
/// followed the same way, by pid, start time, task, end and FIFO.

#include "pipescopeexport.h"
#include "systemsnapshot.h"

#include <QHash>

namespace PipeScope {

struct PIPESCOPE_CORE_EXPORT PipeChange
{
    enum class Type { Added, Changed, Removed };
    Type type = Type::Changed;
    PipeKey key;
};

class PIPESCOPE_CORE_EXPORT SnapshotTracker
{
public:
    /// Sets PipeEndpoint::stateSinceMs in \a snapshot from the scans seen before, and returns
    /// the changes since the previous update() (every pipe is Added the first time).
    QList<PipeChange> update(SystemSnapshot &snapshot);
    /// Forgets everything: the next update() starts afresh.
    void reset();

private:
    struct Since
    {
        EndpointState state = EndpointState::Unknown;
        qint64 sinceMs = -1;
    };
    QHash<QString, Since> m_endpoints;  ///< "pid/start/fd/kind/dev/ino" (or "open/...") -> since
    QHash<PipeKey, QByteArray> m_pipes; ///< a signature of what watch shows for each pipe
};

} // namespace PipeScope
