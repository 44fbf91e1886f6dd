#include "snapshottracker.h"

#include "processio.h"

#include <QSet>

namespace PipeScope {

namespace {

QString endpointKey(const PipeInfo &pipe, const PipeEndpoint &endpoint, quint64 startTime)
{
    return QStringLiteral("%1/%2/%3/%4/%5/%6")
            .arg(endpoint.pid)
            .arg(startTime)
            .arg(endpoint.fd)
            .arg(int(pipe.key.kind))
            .arg(pipe.key.device)
            .arg(pipe.key.inode);
}

/// An opener is keyed like an endpoint, with "open" and its task instead of an fd.
QString openerKey(const PipeInfo &pipe, const FifoOpener &opener, quint64 startTime)
{
    return QStringLiteral("open/%1/%2/%3/%4/%5/%6")
            .arg(opener.pid)
            .arg(startTime)
            .arg(opener.tid)
            .arg(int(opener.mode))
            .arg(pipe.key.device)
            .arg(pipe.key.inode);
}

QByteArray signature(const PipeInfo &pipe)
{
    QByteArray text = QByteArray::number(pipe.queued.value_or(-1)) + ' '
            + QByteArray::number(pipe.capacity.value_or(-1));
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        text += ' ' + QByteArray::number(endpoint.pid) + ':' + QByteArray::number(endpoint.fd)
                + ':' + QByteArray::number(int(endpoint.mode)) + ':'
                + QByteArray::number(int(endpoint.state));
    }
    for (const FifoOpener &opener : pipe.openers)
        text += " open:" + QByteArray::number(opener.tid) + ':' + QByteArray::number(int(opener.mode));
    return text;
}

} // namespace

QList<PipeChange> SnapshotTracker::update(SystemSnapshot &snapshot)
{
    QHash<QString, Since> endpoints;
    QHash<PipeKey, QByteArray> pipes;
    QList<PipeChange> changes;
    for (PipeInfo &pipe : snapshot.pipes) {
        for (PipeEndpoint &endpoint : pipe.endpoints) {
            const ProcessInfo *process = snapshot.process(endpoint.pid);
            const QString key = endpointKey(pipe, endpoint, process ? process->startTime : 0);
            Since since = m_endpoints.value(key);
            if (since.sinceMs < 0 || since.state != endpoint.state)
                since = { endpoint.state, snapshot.timestampMs };
            endpoint.stateSinceMs = since.sinceMs;
            endpoints.insert(key, since);
        }
        for (FifoOpener &opener : pipe.openers) {
            const ProcessInfo *process = snapshot.process(opener.pid);
            const QString key = openerKey(pipe, opener, process ? process->startTime : 0);
            const Since since = m_endpoints.value(key, { EndpointState::BlockedOpen, snapshot.timestampMs });
            opener.sinceMs = since.sinceMs;
            endpoints.insert(key, since);
        }
        const QByteArray current = signature(pipe);
        const auto previous = m_pipes.constFind(pipe.key);
        if (previous == m_pipes.cend())
            changes << PipeChange { PipeChange::Type::Added, pipe.key };
        else if (previous.value() != current)
            changes << PipeChange { PipeChange::Type::Changed, pipe.key };
        pipes.insert(pipe.key, current);
    }
    for (auto it = m_pipes.cbegin(); it != m_pipes.cend(); ++it) {
        if (!pipes.contains(it.key()))
            changes << PipeChange { PipeChange::Type::Removed, it.key() };
    }
    m_endpoints = std::move(endpoints);
    m_pipes = std::move(pipes);
    updateRates(snapshot);
    return changes;
}

void SnapshotTracker::updateRates(SystemSnapshot &snapshot)
{
    // Over at least a second, as the pipeline meter's rates: a writer blocked inside one big
    // write() (cat's are 128 KiB) moves its counter only when the call returns, and a refresh
    // asked for right after a scan would see nothing move.
    constexpr qint64 WindowMs = 1000;
    QHash<QString, IoSeen> seen;
    for (ProcessInfo &process : snapshot.processes) {
        if (!process.io)
            continue;
        const QString key = QStringLiteral("%1/%2").arg(process.pid).arg(process.startTime);
        IoSeen window = m_io.value(key, { *process.io, snapshot.timestampMs, -1, -1 });
        const qint64 elapsedMs = snapshot.timestampMs - window.ms;
        if (elapsedMs >= WindowMs) {
            const double seconds = double(elapsedMs) / 1000;
            const ProcIo &then = window.io;
            window.readRate = double(process.io->rchar - std::min(then.rchar, process.io->rchar)) / seconds;
            window.writeRate = double(process.io->wchar - std::min(then.wchar, process.io->wchar)) / seconds;
            window.io = *process.io;
            window.ms = snapshot.timestampMs;
        }
        process.readRate = window.readRate;
        process.writeRate = window.writeRate;
        seen.insert(key, window);
    }
    m_io = std::move(seen);
    ProcessIo::setPipeRates(snapshot);
}

void SnapshotTracker::reset()
{
    m_io.clear();
    m_endpoints.clear();
    m_pipes.clear();
}

} // namespace PipeScope
