#pragma once
/// \file lessonprocess.h
/// A child process a lesson starts with exactly the fds it needs, for the experiments
/// ChildProcess is not made for: a child that inherits a pipe's write end (the EOF leak),
/// several writers sharing one pipe (atomic writes), a child that keeps SIGPIPE's default
/// action although this process ignores it (a disposition of SIG_IGN survives exec, so
/// without a reset every child of a transport user would ignore SIGPIPE too).
///
/// Spawned with posix_spawn: fds not in the map are closed at exec when they are O_CLOEXEC
/// (all of PipeScope's are); the child's stdin and stdout are /dev/null unless mapped.
/// Its exit is noticed through a pidfd (readable once the process ends), so a wait can
/// continue on finished() instead of polling.

#include "processstate.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <sys/types.h>

class QSocketNotifier;

namespace PipeScope {

/// What a process (or one of its threads, by tid) is doing right now: the lessons' short
/// view of the explorer's ProcessState, which alone reads /proc/PID/stat, wchan and syscall.
struct ProcessActivity {
    char state = 0; ///< stat's third field ('S', 'R', 'Z'...), 0 if unreadable
    QString wchan; ///< where it sleeps in the kernel ("anon_pipe_write"), empty if unknown

    /// Read by the explorer's ProcessState (stat from its last ')', wchan while asleep).
    static ProcessActivity of(pid_t pid);
    /// Asleep (state S or D). A wait only ends on a sample in which the state and the wchan
    /// agree: every predicate below also asks for this.
    bool isAsleep() const { return state == 'S' || state == 'D'; }
    /// Asleep in write() on a full pipe: anon_pipe_write (Linux ≥ 6.16), pipe_write, pipe_wait.
    bool isBlockedWriting() const;
    bool isBlockedReading() const;
    /// Asleep in open() of a FIFO waiting for the other end.
    bool isWaitingForPartner() const;
    // (These use ProcParsers::classifyWchan(), the one table of the kernel's names.)
    /// "state S, wchan anon_pipe_write".
    QString text() const;
};

class LessonProcess : public QObject {
    Q_OBJECT
public:
    struct Spec {
        QString program; ///< searched in PATH
        QStringList arguments;
        /// (our fd, the child's fd number): the child gets a copy of each (without O_CLOEXEC).
        QList<QPair<int, int>> fds;
        /// Reset SIGPIPE to its default action in the child (it would otherwise inherit
        /// this process's SIG_IGN, see the file comment).
        bool defaultSigpipe = true;
        /// The child's working directory; empty: this process's.
        QString workingDirectory = {};
    };

    explicit LessonProcess(QObject *parent = nullptr);
    /// Kills (SIGKILL) and reaps the child if it is still running, without finished().
    ~LessonProcess() override;

    /// False with *error ("cannot run nosuchcmd: No such file or directory") on failure.
    bool start(const Spec &spec, Error *error);

    pid_t pid() const { return m_pid; }
    QString program() const { return m_program; }
    /// Reaps the child if it exited (waitpid WNOHANG); true while it runs.
    bool isRunning();
    /// After the exit: the status, or -1 if a signal ended it.
    int exitCode() const { return m_exitCode; }
    /// After the exit: the signal that ended it, or 0.
    int exitSignal() const { return m_exitSignal; }
    /// "running", "exited with status 1", "killed by signal 13 (Broken pipe)".
    QString statusText();
    bool sendSignal(int signal);
    /// SIGKILL and a blocking reap (SIGKILL cannot be caught, so the wait is short).
    void kill();
    ProcessActivity activity() const { return ProcessActivity::of(m_pid); }

Q_SIGNALS:
    /// The child was reaped (it exited, or kill() ended it); queued, never inside a call of
    /// this object's. Not emitted by the destructor.
    void finished();

private:
    void watchExit();
    void noteStatus(int status);

    pid_t m_pid = -1;
    bool m_running = false;
    int m_exitCode = -1;
    int m_exitSignal = 0;
    QString m_program;
    int m_pidfd = -1;
    QSocketNotifier *m_exitNotifier = nullptr;
};

} // namespace PipeScope
