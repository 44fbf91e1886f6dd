#pragma once
/// \file leakedwriteends.h
/// Internal to PipeDiagnostics: rules (b), (c) and (d) of the leaked-write-end diagnostic
/// (see pipediagnostics.h for the rules and why they hold). Rule (a), a process waiting for
/// its own write end, comes out of the wait graph. Linear in the pipe's endpoints, since a
/// pipe leaked into every process of a session can have hundreds.

#include "systemsnapshot.h"

#include <QHash>
#include <QSet>

namespace PipeScope {

class LeakedWriteEnds
{
public:
    LeakedWriteEnds(const SystemSnapshot &snapshot, const PipeInfo &pipe, qint64 nowMs);
    /// Appends the diagnostics for this pipe to \a out.
    void check(QList<Diagnostic> *out) const;

private:
    struct Holder
    {
        bool reads = false;
        int writeOnlyFd = -1;
        const ProcessInfo *process = nullptr;
    };
    void readerHoldsWriteEnd(QList<Diagnostic> *out) const;
    void outsiders(QList<Diagnostic> *out) const;
    void loneOutsider(QList<Diagnostic> *out) const;
    bool isRelatedToReader(qint64 pid) const;
    QList<qint64> groupsOtherThan(qint64 group, bool readersOnly) const;

    const SystemSnapshot &m_snapshot;
    const PipeInfo &m_pipe;
    qint64 m_now;
    QHash<qint64, Holder> m_holders;  ///< by pid
    QHash<qint64, int> m_groupSizes;   ///< holders per process group
    QSet<qint64> m_readerParents;
    QList<qint64> m_writers;           ///< in endpoint order
};

} // namespace PipeScope
