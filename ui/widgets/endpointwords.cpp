#include "endpointwords.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>

namespace PipeScope::Ui {

namespace {

/// The words for a process whose bytes keep moving though it sleeps on this end: as the
/// diagnostics say (PipeDiagnostics' writer-blocked rule, sleepActivity()), it flows in bursts,
/// waiting for room or data between them, or it paces itself; nothing to alarm about. Empty
/// when it is not moving.
QString flowingWords(const PipeEndpoint &endpoint, const ProcessInfo *process)
{
    if (!process || !process->moving())
        return {};
    const QString rate = SnapshotFormat::rateText(process->flowRate);
    if (endpoint.state == EndpointState::BlockedWrite || endpoint.state == EndpointState::BlockedRead)
        return QStringLiteral("→ flowing (%1)").arg(rate);
    if (PipeDiagnostics::pacesItself(*process))
        return QStringLiteral("⏱ paces itself (%1)").arg(rate);
    return {};
}

} // namespace

GraphWords endpointWords(const SystemSnapshot &snapshot, const PipeEndpoint &endpoint, const PipeInfo &pipe)
{
    if (endpoint.pid == snapshot.host) {
        // The lesson's own ends: its threads' state (busy being PipeScope) says nothing about
        // them. What it does with a read end is what a step is about ("nobody reading").
        return { PipeDiagnostics::heldByHost(snapshot, pipe, endpoint.mode),
                 endpoint.reads() ? GraphWords::Notable : GraphWords::State };
    }
    if (QString flowing = flowingWords(endpoint, snapshot.process(endpoint.pid)); !flowing.isEmpty())
        return { flowing, GraphWords::Notable };
    const QString where = pipe.key.kind == PipeKind::Fifo ? QStringLiteral("a FIFO")
                                                          : QStringLiteral("pipe %1").arg(pipe.key.inode);
    switch (endpoint.state) {
    case EndpointState::BlockedWrite:
        return { QStringLiteral("✖ blocked writing %1").arg(where), GraphWords::Alarm };
    case EndpointState::BlockedRead:
        return { QStringLiteral("✖ blocked reading %1").arg(where), GraphWords::Alarm };
    case EndpointState::BlockedOpen:
        return { QStringLiteral("✖ blocked opening a FIFO"), GraphWords::Alarm };
    case EndpointState::Stopped:
        return { QStringLiteral("❚❚ stopped"), GraphWords::Alarm };
    case EndpointState::Zombie:
        return { QStringLiteral("✝ zombie"), GraphWords::Alarm };
    default:
        return { endpointStateName(endpoint.state), GraphWords::State };
    }
}

QString gaugeLabel(const PipeInfo &pipe)
{
    if (pipe.key.kind != PipeKind::Fifo)
        return SnapshotFormat::pipeTitle(pipe);
    const QString name = pipe.path.section(u'/', -1);
    return QStringLiteral("FIFO %1").arg(SnapshotFormat::escaped(name.isEmpty() ? pipe.path : name));
}

} // namespace PipeScope::Ui
