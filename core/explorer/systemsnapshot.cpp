#include "systemsnapshot.h"

#include <QHashFunctions>
#include <QSet>

namespace PipeScope {

size_t qHash(const PipeKey &key, size_t seed)
{
    return qHashMulti(seed, int(key.kind), key.device, key.inode);
}

QString endpointStateName(EndpointState state)
{
    switch (state) {
    case EndpointState::Unknown:
        break;
    case EndpointState::Running:
        return QStringLiteral("running");
    case EndpointState::Sleeping:
        return QStringLiteral("sleeping");
    case EndpointState::BlockedRead:
        return QStringLiteral("blocked-read");
    case EndpointState::BlockedWrite:
        return QStringLiteral("blocked-write");
    case EndpointState::BlockedOpen:
        return QStringLiteral("blocked-open");
    case EndpointState::BlockedElsewhere:
        return QStringLiteral("blocked-elsewhere");
    case EndpointState::Stopped:
        return QStringLiteral("stopped");
    case EndpointState::Zombie:
        return QStringLiteral("zombie");
    }
    return QStringLiteral("unknown");
}

bool isBlocked(EndpointState state)
{
    return state == EndpointState::BlockedRead || state == EndpointState::BlockedWrite
            || state == EndpointState::BlockedOpen;
}

QString severityName(Diagnostic::Severity severity)
{
    switch (severity) {
    case Diagnostic::Severity::Info:
        break;
    case Diagnostic::Severity::Warning:
        return QStringLiteral("warning");
    case Diagnostic::Severity::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

QString diagnosticKindName(Diagnostic::Kind kind)
{
    switch (kind) {
    case Diagnostic::Kind::WriterBlockedOnFullPipe:
        return QStringLiteral("writer-blocked");
    case Diagnostic::Kind::ReaderStalled:
        return QStringLiteral("reader-stalled");
    case Diagnostic::Kind::Deadlock:
        return QStringLiteral("deadlock");
    case Diagnostic::Kind::NoReader:
        return QStringLiteral("no-reader");
    case Diagnostic::Kind::NoWriter:
        return QStringLiteral("no-writer");
    case Diagnostic::Kind::LeakedWriteEnd:
        return QStringLiteral("leaked-write-end");
    case Diagnostic::Kind::OpenBlocked:
        return QStringLiteral("open-blocked");
    case Diagnostic::Kind::MultipleWriters:
        break;
    }
    return QStringLiteral("multiple-writers");
}

namespace {

QList<qint64> distinctPids(const QList<PipeEndpoint> &endpoints, bool wantReaders)
{
    QList<qint64> pids;
    QSet<qint64> seen;
    for (const PipeEndpoint &endpoint : endpoints) {
        const bool matches = wantReaders ? endpoint.reads() : endpoint.writes();
        if (matches && !seen.contains(endpoint.pid)) {
            seen.insert(endpoint.pid);
            pids << endpoint.pid;
        }
    }
    return pids;
}

} // namespace

bool PipeInfo::hasReader() const
{
    for (const PipeEndpoint &endpoint : endpoints) {
        if (endpoint.reads())
            return true;
    }
    return false;
}

bool PipeInfo::hasWriter() const
{
    for (const PipeEndpoint &endpoint : endpoints) {
        if (endpoint.writes())
            return true;
    }
    return false;
}

bool PipeInfo::hasEndpointIn(EndpointState state) const
{
    for (const PipeEndpoint &endpoint : endpoints) {
        if (endpoint.state == state)
            return true;
    }
    return false;
}

QList<qint64> PipeInfo::readerPids() const
{
    return distinctPids(endpoints, true);
}

QList<qint64> PipeInfo::writerPids() const
{
    return distinctPids(endpoints, false);
}

const ProcessInfo *SystemSnapshot::process(qint64 pid) const
{
    const auto it = processes.constFind(pid);
    return it == processes.cend() ? nullptr : &it.value();
}

const PipeInfo *SystemSnapshot::pipe(const PipeKey &key) const
{
    for (const PipeInfo &info : pipes) {
        if (info.key == key)
            return &info;
    }
    return nullptr;
}

PipeInfo *SystemSnapshot::pipe(const PipeKey &key)
{
    for (PipeInfo &info : pipes) {
        if (info.key == key)
            return &info;
    }
    return nullptr;
}

const PipeInfo *SystemSnapshot::pipeAt(qint64 pid, int fd) const
{
    for (const PipeInfo &info : pipes) {
        for (const PipeEndpoint &endpoint : info.endpoints) {
            if (endpoint.pid == pid && endpoint.fd == fd)
                return &info;
        }
    }
    return nullptr;
}

QString SystemSnapshot::commandOf(qint64 pid) const
{
    const ProcessInfo *info = process(pid);
    return info ? info->command : QStringLiteral("pid %1").arg(pid);
}

} // namespace PipeScope
