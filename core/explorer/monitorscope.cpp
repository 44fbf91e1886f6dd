#include "monitorscope.h"

#include "snapshotformat.h"

#include <QSet>

namespace PipeScope {

QList<qint64> MonitorScope::guests() const
{
    QList<qint64> others = pids;
    others.removeAll(host);
    return others;
}

void MonitorScope::apply(SystemSnapshot &snapshot) const
{
    if (isEverything())
        return;
    snapshot.host = host;
    const QSet<PipeKey> named(keep.cbegin(), keep.cend());
    const QList<qint64> others = guests();
    const QSet<qint64> guestSet(others.cbegin(), others.cend());
    snapshot.pipes.removeIf([&](const PipeInfo &pipe) {
        if (named.contains(pipe.key))
            return false;
        const QSet<qint64> holders = SnapshotFormat::participants(pipe);
        return holders.contains(host) || !holders.intersects(guestSet);
    });
    QSet<qint64> holders;
    for (const PipeInfo &pipe : std::as_const(snapshot.pipes))
        holders.unite(SnapshotFormat::participants(pipe));
    snapshot.processes.removeIf([&](const auto &it) { return !holders.contains(it.key()); });
    snapshot.skipped.removeIf([](const SkippedProcess &p) { return p.error.code() == ENOENT || p.error.code() == ESRCH; });
    snapshot.processesSkipped = int(snapshot.skipped.size());
}

} // namespace PipeScope
