#include "meterstage.h"

#include "procdirectory.h"
#include "procparsers.h"
#include "processstate.h"
#include "sys.h"

#include <sys/stat.h>
#include <unistd.h>

namespace PipeScope {

namespace {

double clockTicksPerSecond()
{
    static const double ticks = double(::sysconf(_SC_CLK_TCK));
    return ticks > 0 ? ticks : 100.0;
}

/// A sleep that is a timer or a poll: the stage limits its own pace (pv -L, sleep loops).
bool isThrottleWait(const QString &wchan)
{
    return ProcParsers::classifyWchan(wchan) == WaitKind::Poll || wchan.contains(u"nanosleep")
            || wchan.contains(u"hrtimeout") || wchan.contains(u"sigtimedwait");
}

/// A shell waiting for its child: the child tells what the stage does.
bool isChildWait(const QString &wchan)
{
    return wchan == u"do_wait" || wchan.contains(u"wait4") || wchan == u"kernel_waitid";
}

StageActivity processActivity(const ProcessReading &reading)
{
    if (!reading.ok)
        return StageActivity::Exited;
    const WaitKind wait = ProcParsers::classifyWchan(reading.wchan);
    switch (ProcessState::activityOf(reading.stat.state, wait)) {
    case ProcessState::Activity::Running:
        return StageActivity::Running;
    case ProcessState::Activity::BlockedReading:
        return StageActivity::BlockedReading;
    case ProcessState::Activity::BlockedWriting:
        return StageActivity::BlockedWriting;
    case ProcessState::Activity::Stopped:
        return StageActivity::Stopped;
    case ProcessState::Activity::Zombie:
        return StageActivity::Exited;
    case ProcessState::Activity::Unknown:
        return StageActivity::Unknown;
    case ProcessState::Activity::Sleeping:
    case ProcessState::Activity::WaitingForPartner:
        break;
    }
    if (reading.stat.state == 'D')
        return StageActivity::DiskWait;
    return isThrottleWait(reading.wchan) ? StageActivity::Throttled : StageActivity::Sleeping;
}

void add(StageCounters &sum, const ProcessReading &reading, bool withIo)
{
    // schedstat's run time is the same CPU time to the nanosecond; utime + stime come in clock
    // ticks (10 ms), too coarse for the shares of a pipeline starved on a loaded machine
    // (0.04 of a core against 0 ticks for every other stage, seen at load 9 on 2 CPUs).
    // Whichever is used, a process keeps it: schedstat is there for it or not.
    sum.cpuSeconds += reading.sched ? double(reading.sched->runNs) / 1e9
                                    : double(reading.stat.utime + reading.stat.stime) / clockTicksPerSecond();
    if (reading.sched) {
        sum.runQueueSeconds += double(reading.sched->waitNs) / 1e9;
        sum.schedKnown = true;
    }
    if (withIo && reading.io) {
        sum.bytesIn += reading.io->rchar;
        sum.bytesOut += reading.io->wchar;
        sum.readCalls += reading.io->syscr;
        sum.writeCalls += reading.io->syscw;
        sum.ioKnown = true;
    }
}

} // namespace

MeterStage::MeterStage(int procFd, const QList<qint64> &pids, const QString &command, bool noAccess)
    : m_procFd(procFd), m_command(command), m_mainPid(pids.value(0)), m_noAccess(noAccess)
{
    for (qint64 pid : pids)
        addProcess(pid);
}

void MeterStage::addProcess(qint64 pid)
{
    Process process { pid, 0, ProcessSampler(m_procFd, pid), {} };
    if (!process.sampler.isOpen())
        return;
    process.last = process.sampler.read();
    process.ppid = process.last.stat.ppid;
    m_processes.push_back(std::move(process));
}

QList<qint64> MeterStage::pids() const
{
    QList<qint64> pids;
    for (const Process &process : m_processes)
        pids << process.pid;
    return pids.isEmpty() ? QList<qint64> { m_mainPid } : pids;
}

void MeterStage::retire(const Process &process)
{
    if (!process.last.ok)
        return;
    bool parentTracked = false;
    for (const Process &other : std::as_const(m_processes))
        parentTracked = parentTracked || (other.pid == process.ppid && other.last.ok);
    add(m_retired, process.last, !parentTracked);
}

StageSample MeterStage::read()
{
    StageSample sample;
    sample.command = m_command;
    QList<ProcessReading> readings;
    for (size_t i = 0; i < m_processes.size();) {
        ProcessReading reading = m_processes[i].sampler.read();
        if (!reading.ok) {
            retire(m_processes[i]);
            m_processes.erase(m_processes.begin() + qsizetype(i));
            continue;
        }
        m_processes[i].last = reading;
        readings << reading;
        ++i;
    }
    m_counters = m_retired;
    bool ioHidden = m_noAccess;
    for (const ProcessReading &reading : std::as_const(readings)) {
        add(m_counters, reading, true);
        ioHidden = ioHidden || !reading.io;
        sample.pids << reading.stat.pid;
    }
    if (sample.pids.isEmpty())
        sample.pids << m_mainPid;
    sample.pid = sample.pids.first();
    sample.activity = readings.isEmpty() ? StageActivity::Exited : activityOf(readings);
    sample.state = readings.isEmpty() ? 'Z' : readings.first().stat.state;
    sample.wchan = readings.isEmpty() ? QString() : readings.first().wchan;
    sample.bytesIn = m_counters.bytesIn;
    sample.bytesOut = m_counters.bytesOut;
    sample.readCalls = m_counters.readCalls;
    sample.writeCalls = m_counters.writeCalls;
    sample.runQueueWait = m_counters.schedKnown ? 0 : -1;
    if (ioHidden)
        sample.flags |= StageFlag::NoAccess;
    if ((m_in && m_readsElsewhere) || (m_out && m_writesElsewhere))
        sample.flags |= StageFlag::Approximate;
    return sample;
}

StageActivity MeterStage::activityOf(const QList<ProcessReading> &readings) const
{
    // A compound stage's shell mostly waits for its children: what a child does is what the
    // stage does. Otherwise the main process tells.
    for (const ProcessReading &reading : readings) {
        if (!isChildWait(reading.wchan) || &reading == &readings.last())
            return processActivity(reading);
    }
    return StageActivity::Unknown;
}

void MeterStage::rescan()
{
    m_inEndpoint.reset();
    m_outEndpoint.reset();
    m_readsElsewhere = m_writesElsewhere = false;
    followExec();
    QList<qint64> known = pids();
    QHash<qint64, FdLinks> parents;
    for (const Process &process : std::as_const(m_processes)) {
        const qint64 ppid = process.ppid;
        scanFds(process.pid, fdLinks(process.pid), [&](int fd) {
            if (!parents.contains(ppid))
                parents.insert(ppid, fdLinks(ppid));
            return parents.value(ppid).targets.value(fd);
        });
    }
    for (size_t i = 0; i < m_processes.size(); ++i) {
        for (qint64 child : childrenOf(m_processes[i].pid)) {
            if (!known.contains(child)) {
                known << child;
                addProcess(child); // appended: the loop reaches its children too
            }
        }
    }
}

void MeterStage::followExec()
{
    if (!m_commandFollowsExec || m_processes.empty() || m_processes.front().pid != m_mainPid)
        return;
    // Read again at every rescan (once a second, beside the fd listings): the name seen
    // at discovery may be a shell's that has exec'd since, and comparing names would miss
    // an exec that happened between discovery and the first reading.
    const auto text = ProcDirectory::readFile(m_procFd, (QByteArray::number(m_mainPid) + "/cmdline").constData(), 4096, nullptr);
    if (text && !text->isEmpty())
        m_command = ProcParsers::commandLine(ProcParsers::parseCmdline(*text), m_processes.front().last.stat.comm);
}

MeterStage::FdLinks MeterStage::fdLinks(qint64 pid)
{
    FdLinks links;
    const QByteArray dir = QByteArray::number(pid) + "/fd";
    ProcDirectory listing(m_procFd, dir.constData(), ProcDirectory::Listing::ShortReadEnds);
    if (!listing.isValid()) {
        links.error = listing.error();
        return links;
    }
    while (const char *name = listing.next()) {
        char link[4096];
        const ssize_t n = ProcDirectory::readLink(m_procFd, (dir + '/' + name).constData(), link, sizeof link, nullptr);
        if (n > 0)
            links.targets.insert(QByteArray(name).toInt(), QByteArray(link, int(n)));
    }
    return links;
}

void MeterStage::scanFds(qint64 pid, const FdLinks &own, const std::function<QByteArray(int)> &parentLink)
{
    if (own.error.code() == EACCES || own.error.code() == EPERM)
        m_noAccess = true;
    const QByteArray dir = QByteArray::number(pid) + "/fd/";
    for (auto it = own.targets.cbegin(); it != own.targets.cend(); ++it) {
        const int fd = it.key();
        const QByteArray &text = it.value();
        const FdTarget target = ProcParsers::parseFdTarget(text);
        const quint64 pipe = target.kind == FdTarget::Kind::Pipe ? target.inode : 0;
        if (fd == 0 && pipe && pipe == m_in) {
            m_inEndpoint = m_inEndpoint.value_or(StageFd { pid, 0 });
            continue;
        }
        if ((fd == 1 || fd == 2) && pipe && pipe == m_out) {
            if (fd == 1)
                m_outEndpoint = m_outEndpoint.value_or(StageFd { pid, 1 });
            continue;
        }
        // stderr, event fds and what the parent holds on the same number (inherited, like a
        // shell's fd 251 or a jobserver's) are noise. Anything else read or written is counted
        // by /proc/PID/io too, so the stage's counters are no longer those of its pipes.
        if (fd == 2 || text.startsWith("anon_inode:") || parentLink(fd) == text)
            continue;
        struct stat status;
        if (!ProcDirectory::stat(m_procFd, (dir + QByteArray::number(fd)).constData(), false, &status, nullptr))
            continue;
        const auto mode = ProcParsers::modeFromLinkPermissions(status.st_mode);
        m_readsElsewhere = m_readsElsewhere || (mode && *mode != EndpointMode::Write && fd != 1);
        m_writesElsewhere = m_writesElsewhere || (mode && *mode != EndpointMode::Read && fd != 0);
    }
}

QList<qint64> MeterStage::childrenOf(qint64 pid) const
{
    // The main thread's children file lists the children it forked (threads fork rarely in a
    // pipeline stage; a missed child only makes live counters lag until it is reaped).
    const QByteArray path = QByteArray::number(pid) + "/task/" + QByteArray::number(pid) + "/children";
    QList<qint64> children;
    const auto text = ProcDirectory::readFile(m_procFd, path.constData(), 65536, nullptr);
    for (const QByteArray &field : text.value_or(QByteArray()).simplified().split(' ')) {
        bool ok = false;
        const qint64 child = field.toLongLong(&ok);
        if (ok)
            children << child;
    }
    return children;
}

} // namespace PipeScope
