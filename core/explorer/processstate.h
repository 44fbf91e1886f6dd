#pragma once
/// \file processstate.h
/// What one process is doing right now, from one read of /proc/PID/stat, wchan, syscall and
/// (optionally) status -- the one place PipeScope turns those files into "running", "blocked
/// writing a full pipe", "stopped". The explorer's scanner, the Lab, the lessons, `pipescope
/// stop/cont` and the System page all ask this class; none parses /proc/PID/stat itself.
///
/// A process blocked on a pipe sleeps (state S) in the kernel's pipe code: its wchan reads
/// anon_pipe_write / anon_pipe_read on Linux 6.16 and later, pipe_write / pipe_read before
/// (FIFOs included), pipe_wait before 5.5 for either direction (then the system call tells
/// which), and wait_for_partner while open() of a FIFO waits for the other side. Another
/// user's process shows wchan "0": then /proc/PID/syscall, if readable, still names the call.
///
/// Files are read with one read(2) each, and only as far as they matter: wchan only for a
/// sleeping task, syscall only when the wchan is a pipe wait or hidden. Pure parse() for
/// fixtures, read() for a live process.
///
/// Example:
/// \code
///   const PipeScope::ProcessState state = PipeScope::ProcessState::read(812);
///   if (state.activity() == PipeScope::ProcessState::Activity::BlockedWriting) ...
/// \endcode

#include "error.h"
#include "pipescopeexport.h"
#include "procparsers.h"
#include "systemsnapshot.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT ProcessState
{
public:
    /// What the process's main task is doing. (Per pipe end, EndpointState adds whether the
    /// wait is on that very fd.)
    enum class Activity {
        Unknown,           ///< /proc unreadable (no such process, or a malformed stat)
        Running,           ///< R: on a CPU or runnable
        Sleeping,          ///< S/D, not in the pipe code (or pipe_wait with no syscall to tell)
        BlockedWriting,    ///< in write() on a full pipe
        BlockedReading,    ///< in read() on an empty pipe
        WaitingForPartner, ///< in open() of a FIFO with nobody on the other side
        Stopped,           ///< T/t: SIGSTOP, job control or a ptrace stop
        Zombie,            ///< Z/X: exited, not reaped yet
    };

    /// Which files read() reads.
    enum class Files {
        StatOnly,      ///< the ids and the state letter (no waits: activity from the letter)
        Waits,         ///< stat, then wchan and syscall where they matter (see the file comment)
        WaitsAndStatus ///< and status (the uid)
    };

    /// From the files' text. \a stat needs the pid, the name and the state letter (counted
    /// from the last ')': a name may hold ") ("); the later fields are taken while present.
    /// Empty \a syscall / \a status mean "not read".
    static ProcessState parse(const QByteArray &stat, const QByteArray &wchan,
                              const QByteArray &syscall = {}, const QByteArray &status = {});
    /// Reads process \a pid under \a procRoot. On failure activity() is Unknown and error()
    /// says why ("read /proc/812/stat: No such file or directory").
    static ProcessState read(qint64 pid, const QString &procRoot = QStringLiteral("/proc"),
                             Files files = Files::WaitsAndStatus);
    /// The same, for the scanner: \a pidName ("812") relative to the procfs directory fd
    /// \a procFd, so no path is built from the root again. \a procRoot names it in errors.
    static ProcessState readAt(int procFd, const char *pidName, Files files = Files::Waits,
                               const QString &procRoot = QStringLiteral("/proc"));

    bool isValid() const { return m_statKnown; }
    /// Why the read failed, empty if it did not; its code is the errno (ENOENT/ESRCH: gone,
    /// EACCES), EINVAL for a malformed stat.
    const Error &error() const { return m_error; }

    Activity activity() const { return m_activity; }
    /// The stat fields (pid, name, ppid, pgrp, session, threads, start time).
    const ProcStat &stat() const { return m_stat; }
    qint64 pid() const { return stat().pid; }
    /// The command name from stat's second field (without the parentheses); empty if unknown.
    QString name() const { return stat().comm; }
    /// The one-letter state of stat's third field, or 0.
    char state() const { return m_statKnown ? m_stat.state : char(0); }
    /// Where the main task sleeps in the kernel, empty when running or hidden ("0").
    QString wchan() const { return m_wchan; }
    WaitKind wait() const { return m_wait; }
    /// The system call the task is in, when /proc/PID/syscall was read (ptrace access).
    const std::optional<SyscallInfo> &syscall() const { return m_syscall; }
    /// The fd a task blocked in read()/write() (or splice/tee) waits on, or -1.
    int waitedFd() const { return m_mainWait.fd; }
    /// The main task's wait as the scanner records it (ThreadWait::inferred: a read/write
    /// seen only in the syscall, with the wchan hidden).
    const ThreadWait &mainWait() const { return m_mainWait; }
    /// The real uid from status ("Uid:"), when status was read.
    std::optional<uint> uid() const { return m_uid; }

    bool isBlockedOnPipe() const
    {
        return m_activity == Activity::BlockedReading || m_activity == Activity::BlockedWriting;
    }
    bool isStopped() const { return m_activity == Activity::Stopped; }
    /// "blocked writing: its output pipe is full", "running", "sleeping in do_wait"...
    QString text() const;
    /// "unknown", "running", "sleeping", "blocked-write", "blocked-read", "blocked-open",
    /// "stopped", "zombie".
    static QString activityName(Activity activity);

    /// The activity for stat state letter \a state, given what the task waits on (\a wait,
    /// after the syscall resolved pipe_wait's direction). The scanner's per-endpoint states
    /// start from the same letters.
    static Activity activityOf(char state, WaitKind wait);

private:
    static ProcessState failed(int error, const QString &what);
    static ProcessState fromFiles(const ProcStat &stat, const QByteArray &wchan,
                                  const QByteArray &syscall, const QByteArray &status);
    void classify();

    ProcStat m_stat;
    bool m_statKnown = false;
    Activity m_activity = Activity::Unknown;
    QString m_wchan;
    WaitKind m_wait = WaitKind::None;
    ThreadWait m_mainWait;
    std::optional<SyscallInfo> m_syscall;
    std::optional<uint> m_uid;
    Error m_error;
};

} // namespace PipeScope
