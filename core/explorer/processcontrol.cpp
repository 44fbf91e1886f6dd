#include "processcontrol.h"

#include "pipediagnostics.h"
#include "processstate.h"
#include "snapshotformat.h"
#include "sys.h"

#include <QDeadlineTimer>
#include <QThread>

#include <csignal>
#include <cstring>

namespace PipeScope {

namespace {

QString others(const SystemSnapshot &snapshot, const PipeBackup &backup)
{
    QStringList names;
    for (qint64 pid : backup.others)
        names << PipeDiagnostics::processName(snapshot, pid);
    return names.isEmpty() ? QStringLiteral("nobody else") : names.join(QStringLiteral(", "));
}

QString room(const PipeBackup &backup)
{
    if (!backup.queued || !backup.capacity)
        return QStringLiteral("fill level unknown: %1").arg(backup.unreachableReason);
    return QStringLiteral("%1 of %2 bytes queued").arg(*backup.queued).arg(*backup.capacity);
}

QString line(const SystemSnapshot &snapshot, const PipeBackup &backup, bool stopping)
{
    const QString where = QStringLiteral("%1 (fd %2, %3)").arg(backup.pipeTitle).arg(backup.fd).arg(room(backup));
    if (backup.reads) {
        return (stopping ? QStringLiteral("reads %1 written by %2: its writers block once it is full")
                         : QStringLiteral("reads %1 written by %2: the queued bytes drain again"))
                .arg(where, others(snapshot, backup));
    }
    return (stopping ? QStringLiteral("writes %1 read by %2: its readers wait once it is empty")
                     : QStringLiteral("writes %1 read by %2: they get data again"))
            .arg(where, others(snapshot, backup));
}

PipeBackup backupOf(const PipeInfo &pipe, const PipeEndpoint &endpoint, bool reads)
{
    PipeBackup backup;
    backup.pipe = pipe.key;
    backup.pipeTitle = SnapshotFormat::pipeTitle(pipe);
    backup.fd = endpoint.fd;
    backup.reads = reads;
    for (qint64 pid : reads ? pipe.writerPids() : pipe.readerPids()) {
        if (pid != endpoint.pid)
            backup.others << pid;
    }
    backup.queued = pipe.queued;
    backup.capacity = pipe.capacity;
    backup.unreachableReason = pipe.unreachableReason;
    return backup;
}

} // namespace

ProcessControl::Plan ProcessControl::plan(const SystemSnapshot &snapshot, qint64 pid, Action action)
{
    Plan plan;
    plan.target.pid = pid;
    if (const ProcessInfo *process = snapshot.process(pid))
        plan.target.startTime = process->startTime;
    plan.action = action;
    plan.processName = PipeDiagnostics::processName(snapshot, pid);
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            if (endpoint.pid != pid)
                continue;
            // An O_RDWR end does both: it backs up both ways.
            if (endpoint.reads())
                plan.backups << backupOf(pipe, endpoint, true);
            if (endpoint.writes())
                plan.backups << backupOf(pipe, endpoint, false);
        }
    }
    for (const PipeBackup &backup : std::as_const(plan.backups))
        plan.lines << line(snapshot, backup, action == Action::Stop);
    return plan;
}

bool ProcessControl::send(const ProcessTarget &target, Action action, Error *error)
{
    return sendSignal(target, action == Action::Stop ? SIGSTOP : SIGCONT, error);
}

bool ProcessControl::sendSignal(const ProcessTarget &target, int signal, Error *error)
{
    const ProcessState state = ProcessState::read(target.pid, QStringLiteral("/proc"), ProcessState::Files::StatOnly);
    if (!state.isValid()) {
        return Error::report(error, Error(QStringLiteral("process %1 is gone (%2)").arg(target.pid).arg(state.error().message()),
                                          state.error().code()));
    }
    if (target.startTime != 0 && state.stat().startTime != target.startTime) {
        return Error::report(error, Error(QStringLiteral("pid %1 is now another process (`%2`): not signalled")
                                                  .arg(target.pid)
                                                  .arg(state.name())));
    }
    if (::kill(pid_t(target.pid), signal) != 0) {
        const int code = errno;
        const QString name = QStringLiteral("SIG%1").arg(QString::fromLatin1(sigabbrev_np(signal)));
        return Error::report(error, Error::fromErrno(code, QStringLiteral("kill %1 ").arg(target.pid) + name));
    }
    return true;
}

bool ProcessControl::waitForState(qint64 pid, Action action, int timeoutMs, const QString &procRoot)
{
    const QDeadlineTimer deadline(timeoutMs);
    const auto done = [&] {
        const ProcessState state = ProcessState::read(pid, procRoot, ProcessState::Files::StatOnly);
        return state.isValid() && state.isStopped() == (action == Action::Stop);
    };
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(5);
    }
    return true;
}

QString ProcessControl::signalName(Action action)
{
    return action == Action::Stop ? QStringLiteral("SIGSTOP") : QStringLiteral("SIGCONT");
}

} // namespace PipeScope
