#pragma once
/// \file pipelinelauncher.h
/// Internal: starts a pipeline's stages as a shell would and waits for them in two steps, so
/// the caller can read an exited stage's final /proc/PID/io from its zombie before reaping it.
///
/// Each stage runs as /bin/sh -c SCRIPT (PipelineSplitter::shellScript: `exec` for a simple
/// command, so the PID is the program's), stage K's stdout is stage K+1's stdin, the first
/// stdin and the last stdout are ours (or /dev/null). Stages stay in our process group and get
/// SIGPIPE back at its default (Qt ignores it in this process; an ignored signal would stay
/// ignored across exec and `yes | head` would end with "Broken pipe" instead of quietly).

#include "error.h"
#include "fd.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace PipeScope {

/// How a stage ended (from waitid's siginfo).
struct StageExit
{
    std::optional<int> exitCode; ///< exited normally with this status
    int signal = 0;              ///< killed by this signal
};

class PipelineLauncher
{
public:
    PipelineLauncher() = default;
    PipelineLauncher(const PipelineLauncher &) = delete;
    PipelineLauncher &operator=(const PipelineLauncher &) = delete;
    /// SIGKILLs and reaps every stage not reaped yet.
    ~PipelineLauncher();

    /// Starts one process per entry of \a scripts. false and *error on failure, with the
    /// stages already started killed and reaped.
    bool start(const QStringList &scripts, bool inheritStdio, Error *error);

    int stageCount() const { return int(m_pids.size()); }
    qint64 pid(int stage) const { return m_pids.value(stage); }
    /// The inode of pipe K (stage K -> K+1).
    quint64 pipeInode(int pipe) const { return m_pipeInodes.value(pipe); }

    /// Stage \a stage has exited and is a zombie waiting for reap() (waitid WNOWAIT).
    bool hasExited(int stage) const;
    bool isReaped(int stage) const { return m_exits.value(stage).has_value(); }
    bool allReaped() const;
    /// Reaps an exited stage (blocks until it exits if it has not).
    StageExit reap(int stage);
    std::optional<StageExit> exitOf(int stage) const { return m_exits.value(stage); }
    /// A pidfd of stage \a stage, readable once it has exited (pidfd_open(2)), or -1 where the
    /// kernel has none (before Linux 5.3): lets the caller notice an exit at once instead of at
    /// its next tick. Stays ours; valid until this launcher is destroyed.
    int exitNotifyFd(int stage) const { return stage < int(m_pidFds.size()) ? m_pidFds[stage].get() : -1; }
    /// Sends \a signal to every stage not reaped yet.
    void signalAll(int signal);

private:
    void killAndReapAll();

    QList<qint64> m_pids;
    QList<quint64> m_pipeInodes;
    QList<std::optional<StageExit>> m_exits;
    std::vector<Fd> m_pidFds;
};

} // namespace PipeScope
