#pragma once
/// \file explorertestsupport.h
/// Process control for the explorer's tests: spawn real programs with chosen fds (optionally
/// in a new session, so a whole pipeline can be killed as one process group), find their
/// descendants, and kill and reap every one of them at the end.

#include <pipescope/systemmonitor.h>
#include <pipescope/systemsnapshot.h>

#include <QList>
#include <QPair>
#include <QSet>
#include <QStringList>
#include <QTemporaryDir>

#include <sys/types.h>

namespace PipeScope::Test {

class ChildProcesses
{
public:
    /// Makes this process a child subreaper (PR_SET_CHILD_SUBREAPER), so grandchildren
    /// orphaned by a killed pipeline come back to us to be reaped.
    ChildProcesses();
    /// Kills and reaps everything spawned, with their process groups.
    ~ChildProcesses();
    ChildProcesses(const ChildProcesses &) = delete;
    ChildProcesses &operator=(const ChildProcesses &) = delete;

    /// Starts \a argv (searched in PATH). \a fds maps a parent fd to the child fd it becomes;
    /// every other fd of ours is close-on-exec. \a newSession runs it under setsid(), leader of
    /// a new process group. Returns the pid, or -1 (and a warning) on failure.
    pid_t spawn(const QStringList &argv, const QList<QPair<int, int>> &fds = {},
                bool newSession = false);
    /// spawn() with stdin, stdout and stderr on /dev/null: the child holds no pipe of ours.
    pid_t spawnQuiet(const QStringList &argv);
    /// The processes whose process group is \a pgid, from /proc.
    static QList<pid_t> groupMembers(pid_t pgid);
    /// The children of \a parent, from /proc.
    static QList<pid_t> childrenOf(pid_t parent);
    /// Waits up to \a timeoutMs for \a pid (a child of ours) to exit; its wait status, or -1.
    int waitExit(pid_t pid, int timeoutMs);
    /// SIGKILLs every spawned process and its group, then reaps them all.
    void killAll();

private:
    QList<pid_t> m_pids;
    QSet<pid_t> m_groups;
};

/// `SOURCE | MIDDLE | SINK` started as three processes of \a children joined by two pipes
/// (SINK's stdout /dev/null); none of the pipe ends stays ours.
struct ThreeStages
{
    pid_t source = -1, middle = -1, sink = -1;
};
ThreeStages spawnThreeStages(ChildProcesses &children, const QStringList &source, const QStringList &middle,
                             const QStringList &sink);

/// Points \a monitor at \a pids only, with \a view interested in every pipe it finds (so each
/// gets its fill probed).
void watchOnly(SystemMonitor &monitor, const QObject *view, const QList<qint64> &pids);

/// `sh -c 'exec echo hi > "$0"' PATH`: a shell that blocks in open() of the FIFO at \a path
/// for writing until a reader comes, then writes "hi\n" and exits.
QStringList fifoWriterCommand(const QString &path);
/// Makes a FIFO \a name in \a dir with exactly \a mode (past the umask); its path, or empty
/// (with a warning) on failure.
QString makeFifo(const QTemporaryDir &dir, const QString &name, mode_t mode = 0600);
/// The state letter of \a pid from /proc/PID/stat, or 0.
char processState(pid_t pid);
/// A scan of the whole system (endpoints, states, fill levels) with diagnostics.
SystemSnapshot scanSystem();
/// The endpoints of \a pid in \a snapshot as "fd:mode:inode" strings, sorted.
QStringList endpointsOf(const SystemSnapshot &snapshot, pid_t pid);
/// The state of \a pid's endpoint at \a fd, or Unknown if there is none.
EndpointState stateOf(const SystemSnapshot &snapshot, pid_t pid, int fd);
/// Endpoints of the given pids as lsof +E -F reports them: "pid:fd:mode:inode" for pipes.
QStringList lsofPipeEndpoints(const QList<pid_t> &pids);
/// The same strings from a snapshot.
QStringList scannedPipeEndpoints(const SystemSnapshot &snapshot, const QList<pid_t> &pids);

} // namespace PipeScope::Test
