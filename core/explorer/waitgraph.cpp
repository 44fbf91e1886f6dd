#include "waitgraph.h"

#include <algorithm>
#include <functional>

namespace PipeScope {

WaitGraph::WaitGraph(const SystemSnapshot &snapshot)
{
    for (const ProcessInfo &process : snapshot.processes) {
        const char state = process.runState;
        if (process.statKnown && (state == 'T' || state == 't' || state == 'Z'))
            m_inactive.insert(process.pid);
    }
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (readAtDifferentInstants(pipe))
            continue;
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            const bool writing = endpoint.state == EndpointState::BlockedWrite;
            if (!writing && endpoint.state != EndpointState::BlockedRead)
                continue;
            const ProcessInfo *process = snapshot.process(endpoint.pid);
            if (!process || process->threads != 1)
                continue;
            Wait wait;
            wait.pid = endpoint.pid;
            wait.fd = endpoint.fd;
            wait.pipe = pipe.key;
            wait.writing = writing;
            wait.helpers = writing ? pipe.readerPids() : pipe.writerPids();
            m_waits.insert(wait.pid, wait);
        }
    }
}

bool WaitGraph::readAtDifferentInstants(const PipeInfo &pipe)
{
    return pipe.hasEndpointIn(EndpointState::BlockedWrite)
           && pipe.hasEndpointIn(EndpointState::BlockedRead);
}

QSet<qint64> WaitGraph::stuck(bool inactiveAreStuck) const
{
    QSet<qint64> stuck;
    for (auto it = m_waits.cbegin(); it != m_waits.cend(); ++it)
        stuck.insert(it.key());
    if (inactiveAreStuck)
        stuck.unite(m_inactive);
    // Remove, until nothing changes, every waiting process that some helper outside the set
    // could release. A wait with no visible helper is left undecided (removed): the other end
    // may be held by a process we may not inspect.
    for (bool changed = true; changed;) {
        changed = false;
        for (const Wait &wait : m_waits) {
            if (!stuck.contains(wait.pid))
                continue;
            const bool free = wait.helpers.isEmpty()
                    || std::any_of(wait.helpers.cbegin(), wait.helpers.cend(),
                                   [&](qint64 helper) { return !stuck.contains(helper); });
            if (free) {
                stuck.remove(wait.pid);
                changed = true;
            }
        }
    }
    QSet<qint64> waiting;
    for (qint64 pid : std::as_const(stuck)) {
        if (m_waits.contains(pid))
            waiting.insert(pid);
    }
    return waiting;
}

QList<QList<qint64>> WaitGraph::cycles(const QSet<qint64> &within) const
{
    // Tarjan's strongly connected components over the sub-graph induced by `within`.
    QHash<qint64, int> index, low;
    QList<qint64> stack;
    QSet<qint64> onStack;
    QList<QList<qint64>> result;
    int counter = 0;
    std::function<void(qint64)> visit = [&](qint64 pid) {
        index[pid] = low[pid] = counter++;
        stack << pid;
        onStack.insert(pid);
        for (qint64 next : m_waits.value(pid).helpers) {
            if (!within.contains(next))
                continue;
            if (!index.contains(next)) {
                visit(next);
                low[pid] = std::min(low[pid], low[next]);
            } else if (onStack.contains(next)) {
                low[pid] = std::min(low[pid], index[next]);
            }
        }
        if (low[pid] != index[pid])
            return;
        QList<qint64> component;
        qint64 member = 0;
        do {
            member = stack.takeLast();
            onStack.remove(member);
            component << member;
        } while (member != pid);
        const bool selfLoop = m_waits.value(pid).helpers.contains(pid);
        if (component.size() > 1 || selfLoop) {
            std::sort(component.begin(), component.end());
            result << component;
        }
    };
    QList<qint64> ordered(within.cbegin(), within.cend());
    std::sort(ordered.begin(), ordered.end());
    for (qint64 pid : std::as_const(ordered)) {
        if (!index.contains(pid))
            visit(pid);
    }
    std::sort(result.begin(), result.end());
    return result;
}

} // namespace PipeScope
