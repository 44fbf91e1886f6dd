#include "leakedwriteends.h"

#include "diagnostictext.h"
#include "pipediagnostics.h"

#include <QSet>

#include <algorithm>

namespace PipeScope {

namespace {
using Severity = Diagnostic::Severity;
using Kind = Diagnostic::Kind;
} // namespace

LeakedWriteEnds::LeakedWriteEnds(const SystemSnapshot &snapshot, const PipeInfo &pipe, qint64 nowMs)
    : m_snapshot(snapshot), m_pipe(pipe), m_now(nowMs)
{
    QSet<qint64> writers;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        const bool isNew = !m_holders.contains(endpoint.pid);
        Holder &holder = m_holders[endpoint.pid];
        if (isNew) {
            holder.process = snapshot.process(endpoint.pid);
            if (holder.process)
                ++m_groupSizes[holder.process->pgrp];
        }
        holder.reads = holder.reads || endpoint.reads();
        if (endpoint.mode == EndpointMode::Write && holder.writeOnlyFd < 0)
            holder.writeOnlyFd = endpoint.fd;
        if (endpoint.writes() && !writers.contains(endpoint.pid)) {
            writers.insert(endpoint.pid);
            m_writers << endpoint.pid;
        }
    }
    for (const Holder &holder : std::as_const(m_holders)) {
        if (holder.reads && holder.process)
            m_readerParents.insert(holder.process->ppid);
    }
}

void LeakedWriteEnds::check(QList<Diagnostic> *out) const
{
    readerHoldsWriteEnd(out);
    outsiders(out);
    loneOutsider(out);
}

bool LeakedWriteEnds::isRelatedToReader(qint64 pid) const
{
    // A parent feeding its child's stdin, or a child writing to the parent that reads its
    // stdout (subprocess pipes), is part of the pipeline even when one of them runs in its own
    // process group or session. A leaked holder is usually further away: a daemon re-parented
    // to init or a subreaper.
    const ProcessInfo *process = m_holders.value(pid).process;
    return m_readerParents.contains(pid) || (process && m_holders.value(process->ppid).reads);
}

QList<qint64> LeakedWriteEnds::groupsOtherThan(qint64 group, bool readersOnly) const
{
    QSet<qint64> groups;
    for (const Holder &holder : std::as_const(m_holders)) {
        if (holder.process && holder.process->pgrp != group && (holder.reads || !readersOnly))
            groups.insert(holder.process->pgrp);
    }
    return QList<qint64>(groups.cbegin(), groups.cend());
}

void LeakedWriteEnds::readerHoldsWriteEnd(QList<Diagnostic> *out) const
{
    // Only when some process writes without reading: where every holder has both ends (a
    // make jobserver, a self-pipe) nobody waits for EOF.
    const bool pureWriter = std::any_of(m_writers.cbegin(), m_writers.cend(),
                                        [this](qint64 pid) { return !m_holders.value(pid).reads; });
    if (!pureWriter)
        return;
    QSet<qint64> reported;
    for (const PipeEndpoint &endpoint : m_pipe.endpoints) {
        const Holder holder = m_holders.value(endpoint.pid);
        if (!holder.reads || holder.writeOnlyFd < 0 || reported.contains(endpoint.pid))
            continue;
        reported.insert(endpoint.pid);
        *out << DiagnosticText::make(
                Severity::Warning, Kind::LeakedWriteEnd, m_pipe.key,
                QStringLiteral("%1 reads this pipe but also holds a write end (fd %2): when the "
                               "other writers finish it still sees no EOF, until it closes fd %2")
                        .arg(PipeDiagnostics::processName(m_snapshot, endpoint.pid),
                             QString::number(holder.writeOnlyFd)),
                { { endpoint.pid, holder.writeOnlyFd } });
    }
}

void LeakedWriteEnds::outsiders(QList<Diagnostic> *out) const
{
    if (m_writers.size() < 2)
        return;
    for (qint64 writer : m_writers) {
        const Holder holder = m_holders.value(writer);
        if (holder.reads || !holder.process || m_groupSizes.value(holder.process->pgrp) != 1)
            continue;
        const QList<qint64> others = groupsOtherThan(holder.process->pgrp, false);
        if (others.isEmpty() || isRelatedToReader(writer))
            continue;
        *out << DiagnosticText::make(
                Severity::Warning, Kind::LeakedWriteEnd, m_pipe.key,
                QStringLiteral("%1 holds a write end but is not part of the pipeline (process "
                               "group %2; the other holders are in %3): readers see EOF only "
                               "after it closes fd %4 or exits")
                        .arg(DiagnosticText::endpointName(m_snapshot, writer, holder.writeOnlyFd),
                             QString::number(holder.process->pgrp), DiagnosticText::idList(others),
                             QString::number(holder.writeOnlyFd)),
                { { writer, holder.writeOnlyFd } });
    }
}

void LeakedWriteEnds::loneOutsider(QList<Diagnostic> *out) const
{
    if (m_writers.size() != 1)
        return;
    const qint64 writer = m_writers.first();
    const Holder holder = m_holders.value(writer);
    if (holder.reads || !holder.process || isRelatedToReader(writer))
        return;
    const QList<qint64> readerGroups = groupsOtherThan(holder.process->pgrp, true);
    const bool sharesGroup = std::any_of(m_holders.cbegin(), m_holders.cend(), [&](const Holder &other) {
        return other.reads && other.process && other.process->pgrp == holder.process->pgrp;
    });
    if (readerGroups.isEmpty() || sharesGroup)
        return;
    for (const PipeEndpoint &endpoint : m_pipe.endpoints) {
        if (endpoint.pid == writer && (endpoint.state == EndpointState::Running
                                       || endpoint.state == EndpointState::BlockedWrite))
            return; // it is producing: a legitimate writer in its own process group
    }
    for (const PipeEndpoint &reader : m_pipe.endpoints) {
        if (reader.state != EndpointState::BlockedRead)
            continue;
        *out << DiagnosticText::make(
                Severity::Warning, Kind::LeakedWriteEnd, m_pipe.key,
                QStringLiteral("reader %1 %2 on an empty pipe whose only writer %3 is "
                               "outside its process group (%4, the reader's is %5) and %6: if it "
                               "inherited the write end by accident, the reader never sees EOF")
                        .arg(DiagnosticText::endpointName(m_snapshot, reader.pid, reader.fd),
                             DiagnosticText::seenBlocked(m_pipe, reader.pid, reader.fd, m_now),
                             DiagnosticText::endpointName(m_snapshot, writer, holder.writeOnlyFd),
                             QString::number(holder.process->pgrp),
                             DiagnosticText::idList(readerGroups),
                             PipeDiagnostics::activity(m_snapshot, writer).mid(3)),
                { { reader.pid, reader.fd }, { writer, holder.writeOnlyFd } });
        return;
    }
}

} // namespace PipeScope
