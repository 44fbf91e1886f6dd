#pragma once
/// \file meterstage.h
/// Internal: one stage of a metered pipeline -- its processes (the main one first, then a
/// subshell's or xargs's children), each read through a ProcessSampler, summed into one
/// StageSample.
///
/// Counters are summed over live processes. When a process vanishes its last values are kept,
/// except the I/O counters of one whose parent is in the stage too: the kernel adds a reaped
/// child's I/O to its parent's /proc/PID/io, so keeping them would count them twice.

#include "metersnapshot.h"
#include "processsampler.h"

#include <QHash>
#include <QList>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace PipeScope {

/// Where a stage's pipe end can be reopened: /proc/PID/fd/FD.
struct StageFd
{
    qint64 pid = 0;
    int fd = -1;
};

/// What a stage has done so far (summed over its processes, vanished ones included).
struct StageCounters
{
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    quint64 readCalls = 0;
    quint64 writeCalls = 0;
    double cpuSeconds = 0;
    double runQueueSeconds = 0;
    bool ioKnown = false;    ///< at least one process's /proc/PID/io was readable
    bool schedKnown = false;
};

class MeterStage
{
public:
    MeterStage(int procFd, const QList<qint64> &pids, const QString &command, bool noAccess);
    MeterStage(MeterStage &&) = default;
    MeterStage &operator=(MeterStage &&) = default;

    void setPipes(quint64 in, quint64 out) { m_in = in; m_out = out; }
    /// The command is the main process's command line, read again at every rescan(): an
    /// attached stage caught between fork and exec (a shell about to exec gzip) is named after
    /// the program once it runs.
    void setCommandFollowsExec(bool follows) { m_commandFollowsExec = follows; }
    quint64 inPipe() const { return m_in; }
    quint64 outPipe() const { return m_out; }
    QString command() const { return m_command; }
    qint64 mainPid() const { return m_mainPid; }

    /// Reads every live process: the sample without rates and CPU share (those need a window).
    StageSample read();
    const StageCounters &counters() const { return m_counters; }
    /// Lists the processes' fds and children again: which fd holds the pipe ends, whether the
    /// stage reads or writes anything else (Approximate), new child processes.
    void rescan();
    /// Marks the stage ended after its final read: no process is read again.
    void markEnded() { m_processes.clear(); m_ended = true; }
    bool hasEnded() const { return m_ended; }

    /// A process holding the stage's input pipe on fd 0 (or output on fd 1), if known.
    std::optional<StageFd> inEndpoint() const { return m_inEndpoint; }
    std::optional<StageFd> outEndpoint() const { return m_outEndpoint; }
    bool readsElsewhere() const { return m_readsElsewhere; }
    bool writesElsewhere() const { return m_writesElsewhere; }
    bool noAccess() const { return m_noAccess; }
    QList<qint64> pids() const;

private:
    struct Process
    {
        qint64 pid = 0;
        qint64 ppid = 0;
        ProcessSampler sampler;
        ProcessReading last;
    };

    void addProcess(qint64 pid);
    void retire(const Process &process);
    /// A process's fd links by number; error is the listing's (errno only).
    struct FdLinks
    {
        QHash<int, QByteArray> targets;
        Error error;
    };
    FdLinks fdLinks(qint64 pid);
    /// \a parentLink(fd): what the parent holds on fd (read only when asked: most stages hold
    /// nothing beyond 0-2, and listing the parent's fds -- ours, for a launched pipeline -- was
    /// most of a rescan's cost).
    void scanFds(qint64 pid, const FdLinks &own, const std::function<QByteArray(int)> &parentLink);
    QList<qint64> childrenOf(qint64 pid) const;
    StageActivity activityOf(const QList<ProcessReading> &readings) const;
    void followExec();

    int m_procFd;
    QString m_command;
    qint64 m_mainPid;
    std::vector<Process> m_processes;
    StageCounters m_retired;
    StageCounters m_counters;
    quint64 m_in = 0;
    quint64 m_out = 0;
    std::optional<StageFd> m_inEndpoint;
    std::optional<StageFd> m_outEndpoint;
    bool m_readsElsewhere = false;
    bool m_writesElsewhere = false;
    bool m_noAccess = false;
    bool m_ended = false;
    bool m_commandFollowsExec = false;
    char m_lastState = '?';
};

} // namespace PipeScope
