#pragma once
/// \file processcontrol.h
/// Pausing and resuming a process (SIGSTOP / SIGCONT), with what backs up: a stopped reader's
/// pipes fill until their writers block in write(), a stopped writer's readers block in
/// read() once the queued bytes are drained. plan() says so from a snapshot before the signal
/// is sent; send() sends it, and only to the process the snapshot saw (a pid may have been
/// reused since: the start time must still match).
///
/// The System page's "Pause this reader" and `pipescope stop/cont` both go through here.
///
/// Example:
/// \code
///   const auto plan = PipeScope::ProcessControl::plan(snapshot, 812, ProcessControl::Action::Stop);
///   for (const QString &line : plan.lines()) qInfo() << line;
///   if (!PipeScope::ProcessControl::send(plan.target, ProcessControl::Action::Stop, &error)) ...
/// \endcode

#include "pipescopeexport.h"
#include "systemsnapshot.h"

namespace PipeScope {

/// One pipe end of the process and what the signal does there.
struct PIPESCOPE_CORE_EXPORT PipeBackup
{
    PipeKey pipe;
    QString pipeTitle;          ///< "pipe 812", "FIFO /tmp/f"
    int fd = -1;
    bool reads = false;         ///< the process reads it (else it writes it)
    /// The processes on the other side: the writers that block once the pipe is full (reads),
    /// or the readers that wait once it is empty (writes).
    QList<qint64> others;
    std::optional<qint64> queued;
    std::optional<qint64> capacity;
    QString unreachableReason;  ///< why queued/capacity are unknown
};

/// Which process a signal is for: its pid and start time (0: not checked).
struct PIPESCOPE_CORE_EXPORT ProcessTarget
{
    qint64 pid = 0;
    quint64 startTime = 0;
};

class PIPESCOPE_CORE_EXPORT ProcessControl
{
public:
    enum class Action { Stop, Continue };

    struct Plan
    {
        ProcessTarget target;
        Action action = Action::Stop;
        QString processName;        ///< "`gzip` (pid 812)"
        QList<PipeBackup> backups;  ///< one per pipe end the process holds, in snapshot order
        /// One line per backup: "reads pipe 812 (fd 0, 65536 of 65536 bytes queued) written
        /// by `yes` (pid 811): its writers block once it is full".
        QStringList lines;
    };

    /// What \a action on \a pid does to the pipes \a snapshot shows it holding.
    static Plan plan(const SystemSnapshot &snapshot, qint64 pid, Action action);
    /// SIGSTOP or SIGCONT to \a target. False with \a error ("kill 812 SIGSTOP: Operation not
    /// permitted", "process 812 is gone", "pid 812 is now another process") on failure.
    static bool send(const ProcessTarget &target, Action action, Error *error);
    /// Any \a signal to \a target, with the same checks (gone, pid reused) and messages.
    static bool sendSignal(const ProcessTarget &target, int signal, Error *error);
    /// Blocks until /proc shows \a pid stopped (Stop) or not (Continue), at most \a timeoutMs
    /// (signals are delivered asynchronously). For command-line tools: the GUI rescans instead.
    static bool waitForState(qint64 pid, Action action, int timeoutMs,
                             const QString &procRoot = QStringLiteral("/proc"));

    static QString signalName(Action action);
};

} // namespace PipeScope
