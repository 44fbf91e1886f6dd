#pragma once
/// \file waitgraph.h
/// Internal to PipeDiagnostics: who waits for whom through pipes. A process blocked writing a
/// full pipe waits for any of its readers; one blocked reading an empty pipe waits for any of
/// its writers. A wait is released by *any* one of those (an OR-wait), so a deadlock is not
/// merely a cycle: it is a set of blocked processes every one of whose possible helpers is in
/// the set too (a "knot"). stuck() computes that set as a greatest fixed point; cycles() then
/// names the cycles inside it for the explanation.

#include "systemsnapshot.h"

#include <QHash>
#include <QSet>

namespace PipeScope {

class WaitGraph
{
public:
    struct Wait
    {
        qint64 pid = 0;
        int fd = -1;
        PipeKey pipe;
        bool writing = false;      ///< blocked writing a full pipe (else reading an empty one)
        QList<qint64> helpers;     ///< processes whose read (write) would release the wait
    };

    explicit WaitGraph(const SystemSnapshot &snapshot);

    /// Single-threaded processes blocked on a pipe. (In a multi-threaded process another
    /// thread may still act, so it is never counted as stuck.)
    const QHash<qint64, Wait> &waits() const { return m_waits; }
    /// Stopped (SIGSTOP, ptrace) or zombie: it acts only after something outside (SIGCONT).
    bool isInactive(qint64 pid) const { return m_inactive.contains(pid); }

    /// The waiting processes that cannot proceed unless something outside the graph acts.
    /// With \a inactiveAreStuck false, stopped processes are assumed to be resumed some day,
    /// so what remains is a true deadlock; with true, it also holds whatever waits, directly or
    /// not, on a stopped process.
    QSet<qint64> stuck(bool inactiveAreStuck) const;

    /// Strongly connected groups of \a within that contain a cycle (two or more processes, or
    /// one that waits on itself), each in a stable order starting from its lowest pid.
    QList<QList<qint64>> cycles(const QSet<qint64> &within) const;

private:
    /// A writer blocked on the pipe and a reader blocked on it too: both cannot be true at one
    /// instant (the pipe is full or empty, not both). The scan read their states a few
    /// microseconds apart while the bytes moved (yes | cat shows it about once in five scans),
    /// so neither wait is taken as one.
    static bool readAtDifferentInstants(const PipeInfo &pipe);

    QHash<qint64, Wait> m_waits;
    QSet<qint64> m_inactive;
};

} // namespace PipeScope
