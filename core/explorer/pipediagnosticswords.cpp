// PipeDiagnostics' words for one process -- its name, what it is doing, whether it paces
// itself -- which the views use too; the rules that make diagnostics are in pipediagnostics.cpp.
#include "pipediagnostics.h"

#include "diagnostictext.h"

#include <QFileInfo>

namespace PipeScope {

QString PipeDiagnostics::processName(const SystemSnapshot &snapshot, qint64 pid)
{
    const ProcessInfo *process = snapshot.process(pid);
    QString name;
    if (process && !process->arguments.value(0).isEmpty())
        name = QFileInfo(process->arguments[0]).fileName();
    if (name.isEmpty() && process)
        name = process->comm;
    if (name.isEmpty())
        name = QStringLiteral("?");
    // One arg() call: a second one would replace a "%1" inside the name the process chose.
    return QStringLiteral("`%1` (pid %2)").arg(name, QString::number(pid));
}

QString PipeDiagnostics::heldByHost(const SystemSnapshot &snapshot, const PipeInfo &pipe, EndpointMode mode)
{
    const QString held = QStringLiteral("held by the lesson");
    if (mode == EndpointMode::Write)
        return held;
    if (pipe.rate == 0 && pipe.queued.value_or(0) > 0)
        return held + QStringLiteral(", not reading");
    if (pipe.rate > 0 && pipe.readerPids() == QList<qint64> { snapshot.host })
        return held + QStringLiteral(", reading");
    return held; // no bytes waiting, or its rate not known yet
}

bool PipeDiagnostics::pacesItself(const ProcessInfo &process)
{
    return (DiagnosticText::polls(process) || process.wchan.contains(u"nanosleep")) && process.moving();
}

QString PipeDiagnostics::activity(const SystemSnapshot &snapshot, qint64 pid)
{
    const ProcessInfo *process = snapshot.process(pid);
    if (!process || !process->statKnown)
        return QStringLiteral("is in an unknown state");
    switch (process->runState) {
    case 'T':
        return QStringLiteral("is stopped (SIGSTOP)");
    case 't':
        return QStringLiteral("is stopped by a tracer");
    case 'Z':
    case 'X':
        return QStringLiteral("has exited (zombie)");
    default:
        break;
    }
    for (const ThreadWait &wait : process->pipeWaits) {
        if (wait.kind == WaitKind::FifoOpen)
            return QStringLiteral("is blocked opening a FIFO (waiting for the other side)");
        const PipeInfo *pipe = wait.fd >= 0 ? snapshot.pipeAt(pid, wait.fd) : nullptr;
        if (!pipe)
            continue;
        return (wait.kind == WaitKind::PipeWrite ? QStringLiteral("is blocked writing %1 (full)")
                                                 : QStringLiteral("is blocked reading %1 (empty)"))
                .arg(DiagnosticText::pipeName(snapshot, pipe->key));
    }
    if (process->runState == 'R')
        return QStringLiteral("is busy (running)");
    return DiagnosticText::sleepActivity(*process);
}

} // namespace PipeScope
