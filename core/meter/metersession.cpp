#include "metersession.h"

#include "bottleneckfinder.h"
#include "flowcounters.h"
#include "pipelevel.h"
#include "pipelinesplitter.h"
#include "sys.h"

#include <csignal>
#include <fcntl.h>

namespace PipeScope {

namespace {

constexpr double RescanPeriod = 1.0; // fds and children: they rarely change, listing costs
constexpr double KillGrace = 1.0;    // SIGTERM -> SIGKILL

} // namespace

MeterSession::MeterSession()
    : m_procFd(Sys::open("/proc", O_RDONLY | O_DIRECTORY))
{
}

std::unique_ptr<MeterSession> MeterSession::launch(const QStringList &stages, bool inheritStdio, Error *error)
{
    std::unique_ptr<MeterSession> session(new MeterSession);
    QStringList scripts;
    for (const QString &stage : stages)
        scripts << PipelineSplitter::shellScript(stage);
    session->m_launcher = std::make_unique<PipelineLauncher>();
    if (!session->m_launcher->start(scripts, inheritStdio, error))
        return nullptr;
    for (int k = 0; k < stages.size(); ++k) {
        session->m_stages.push_back(MeterStage(session->m_procFd.get(), { session->m_launcher->pid(k) }, stages[k], false));
        session->m_stages.back().setPipes(k > 0 ? session->m_launcher->pipeInode(k - 1) : 0,
                                          k + 1 < stages.size() ? session->m_launcher->pipeInode(k) : 0);
    }
    session->setUp();
    return session;
}

std::unique_ptr<MeterSession> MeterSession::attach(const DiscoveredPipeline &pipeline, Error *error)
{
    std::unique_ptr<MeterSession> session(new MeterSession);
    if (!session->m_procFd) {
        Error::report(error, Error::fromErrno(errno, QStringLiteral("open /proc")));
        return nullptr;
    }
    const int count = int(pipeline.stages.size());
    for (int k = 0; k < count; ++k) {
        const DiscoveredStage &stage = pipeline.stages[k];
        session->m_stages.push_back(MeterStage(session->m_procFd.get(), stage.pids, stage.command, stage.noAccess));
        session->m_stages.back().setCommandFollowsExec(true);
        session->m_stages.back().setPipes(k > 0 ? pipeline.pipeInodes.value(k - 1) : 0,
                                          k + 1 < count ? pipeline.pipeInodes.value(k) : 0);
    }
    session->setUp();
    return session;
}

void MeterSession::setUp()
{
    m_blindOut.fill(false, qsizetype(m_stages.size()));
    m_blindIn.fill(false, qsizetype(m_stages.size()));
    m_recorder.start(stageList());
}

QList<StageSample> MeterSession::stageList() const
{
    QList<StageSample> stages;
    for (const MeterStage &stage : m_stages) {
        StageSample sample;
        sample.pids = stage.pids();
        sample.pid = stage.mainPid();
        sample.command = stage.command();
        if (stage.noAccess())
            sample.flags |= StageFlag::NoAccess;
        stages << sample;
    }
    return stages;
}

QList<int> MeterSession::exitNotifyFds() const
{
    QList<int> fds;
    for (int k = 0; m_launcher && k < m_launcher->stageCount(); ++k)
        fds << m_launcher->exitNotifyFd(k);
    return fds;
}

bool MeterSession::isFinished() const
{
    for (const MeterStage &stage : m_stages) {
        if (!stage.hasEnded())
            return false;
    }
    return !m_launcher || m_launcher->allReaped();
}

void MeterSession::terminate(double t)
{
    m_recorder.setInterrupted();
    if (m_launcher && m_terminatedAt < 0) {
        m_launcher->signalAll(SIGTERM);
        m_terminatedAt = t;
    }
}

bool MeterSession::signalStage(int index, int signal, Error *error)
{
    if (index < 0 || index >= int(m_stages.size()) || m_stages[index].hasEnded())
        return Error::report(error, Error(QStringLiteral("stage %1 has ended").arg(index + 1)));
    for (qint64 pid : m_stages[index].pids()) {
        if (::kill(pid_t(pid), signal) != 0) {
            const int code = errno;
            return Error::report(error, Error::fromErrno(code, QStringLiteral("kill %1 %2").arg(pid).arg(signal)));
        }
    }
    return true;
}

void MeterSession::reapExited(QList<StageSample> &samples)
{
    for (int k = 0; k < int(m_stages.size()); ++k) {
        if (m_stages[k].hasEnded() || !m_launcher->hasExited(k))
            continue;
        // A zombie's /proc/PID/io holds its final counts (its reaped children's included):
        // read it before waitid without WNOWAIT makes the process go away.
        samples[k] = m_stages[k].read();
        const StageExit exit = m_launcher->reap(k);
        samples[k].activity = StageActivity::Exited;
        m_recorder.setExit(k, samples[k], m_stages[k].counters().cpuSeconds, exit.exitCode, exit.signal);
        m_stages[k].markEnded();
    }
}

MeterSnapshot MeterSession::tick(double t)
{
    MeterSnapshot snapshot;
    snapshot.t = t;
    if (m_launcher && m_terminatedAt >= 0 && !m_killed && t - m_terminatedAt >= KillGrace) {
        m_launcher->signalAll(SIGKILL);
        m_killed = true;
    }
    if (t - m_lastRescan >= RescanPeriod) {
        for (MeterStage &stage : m_stages) {
            if (!stage.hasEnded())
                stage.rescan();
        }
        m_lastRescan = t;
    }
    QList<StageSample> samples = m_lastSamples;
    samples.resize(qsizetype(m_stages.size()));
    for (int k = 0; k < int(m_stages.size()); ++k) {
        if (m_stages[k].hasEnded()) {
            samples[k].activity = StageActivity::Exited;
            continue;
        }
        samples[k] = m_stages[k].read();
        if (!m_launcher && samples[k].activity == StageActivity::Exited)
            m_stages[k].markEnded(); // attached: its processes are gone, someone else reaps them
    }
    if (m_launcher)
        reapExited(samples);
    for (int k = 0; k + 1 < int(m_stages.size()); ++k)
        snapshot.pipes << readPipe(k, samples);
    snapshot.stages = samples;
    addWindowedValues(snapshot);
    m_recorder.record(snapshot, m_lastSamples.isEmpty() ? 0 : t - m_lastTick, [&] {
        QList<double> cpu;
        for (const MeterStage &stage : m_stages)
            cpu << stage.counters().cpuSeconds;
        return cpu;
    }());
    m_lastSamples = snapshot.stages;
    m_lastTick = t;
    return snapshot;
}

MeterPipeSample MeterSession::readPipe(int k, const QList<StageSample> &samples)
{
    MeterPipeSample pipe;
    pipe.from = k;
    pipe.to = k + 1;
    const quint64 inode = m_stages[k].outPipe();
    // Only through the reader's read end. The writer's fd 1 reopened read-only would also be
    // a read end -- of a pipe that may have no reader left, which it would revive for that
    // instant: a write then succeeds into our fd instead of failing with EPIPE. Once the
    // reader has ended, the fill is unknown (-1) and the writer's next write tells.
    if (m_stages[k + 1].hasEnded())
        return pipe;
    const StageFd reader = m_stages[k + 1].inEndpoint().value_or(StageFd { samples[k + 1].pid, 0 });
    const PipeLevel level = PipeLevels::read(m_procFd.get(), reader.pid, reader.fd, inode);
    if (level.ok()) {
        pipe.queued = level.queued;
        pipe.capacity = level.capacity;
    }
    return pipe;
}

void MeterSession::updateSpliceBlindness(int k)
{
    const TickRecord *old = m_history.before(MeterHistory::RateWindow);
    if (!old)
        return;
    const StageCounters &w0 = old->counters[k], &w1 = m_history.latest().counters[k];
    const StageCounters &r0 = old->counters[k + 1], &r1 = m_history.latest().counters[k + 1];
    if (!w1.ioKnown || !r1.ioKnown)
        return;
    const quint64 wrote = w1.bytesOut - std::min(w0.bytesOut, w1.bytesOut);
    const quint64 read = r1.bytesIn - std::min(r0.bytesIn, r1.bytesIn);
    if (!m_stages[k + 1].readsElsewhere() && FlowCounters::lags(wrote, read))
        m_blindOut[k] = true;
    if (!m_stages[k].writesElsewhere() && FlowCounters::lags(read, wrote))
        m_blindIn[k + 1] = true;
}

RateSource MeterSession::rateSourceOf(int k) const
{
    const MeterStage &writer = m_stages[k], &reader = m_stages[k + 1];
    const FlowCounters::End out { writer.counters().ioKnown && !writer.noAccess(), writer.writesElsewhere(), m_blindOut[k] };
    const FlowCounters::End in { reader.counters().ioKnown && !reader.noAccess(), reader.readsElsewhere(), m_blindIn[k + 1] };
    switch (FlowCounters::choose(out, in)) {
    case FlowCounters::Side::Writer:
        return RateSource::WriterOut;
    case FlowCounters::Side::Reader:
        return RateSource::ReaderIn;
    case FlowCounters::Side::None:
        break;
    }
    return RateSource::None;
}

void MeterSession::addWindowedValues(MeterSnapshot &snapshot)
{
    TickRecord record;
    record.t = snapshot.t;
    for (int k = 0; k < snapshot.stages.size(); ++k) {
        record.counters << m_stages[k].counters();
        record.activities << snapshot.stages[k].activity;
    }
    for (const MeterPipeSample &pipe : std::as_const(snapshot.pipes))
        record.fills << pipe.fill();
    m_history.append(record);
    // CPU shares from the oldest record of the window (a first value after 0.2 s), rates only
    // over a full second.
    const TickRecord *cpuBase = m_history.before(MeterHistory::RateWindow);
    if (!cpuBase && !m_history.window(10).isEmpty() && snapshot.t - m_history.window(10).first()->t >= 0.2)
        cpuBase = m_history.window(10).first();
    QList<BottleneckFinder::StageInfo> infos;
    for (int k = 0; k < snapshot.stages.size(); ++k) {
        StageSample &stage = snapshot.stages[k];
        if (cpuBase && snapshot.t > cpuBase->t) {
            const double dt = snapshot.t - cpuBase->t;
            stage.cpu = std::max(0.0, record.counters[k].cpuSeconds - cpuBase->counters[k].cpuSeconds) / dt;
            if (record.counters[k].schedKnown)
                stage.runQueueWait = std::max(0.0, record.counters[k].runQueueSeconds
                                                           - cpuBase->counters[k].runQueueSeconds) / dt;
        }
        if (m_blindIn[k] || m_blindOut[k])
            stage.flags |= StageFlag::SpliceBlind;
        if (!stage.wchan.isEmpty())
            m_lastWchan[k] = stage.wchan; // a throttled stage is often caught running
        infos << BottleneckFinder::StageInfo { stage.command, stage.cpu, stage.runQueueWait, m_lastWchan.value(k) };
    }
    const TickRecord *rateBase = m_history.before(MeterHistory::RateWindow);
    for (int k = 0; k < snapshot.pipes.size(); ++k) {
        updateSpliceBlindness(k);
        MeterPipeSample &pipe = snapshot.pipes[k];
        pipe.rateSource = rateSourceOf(k);
        const bool fromWriter = pipe.rateSource == RateSource::WriterOut;
        pipe.approximate = fromWriter ? m_stages[k].writesElsewhere() : m_stages[k + 1].readsElsewhere();
        if (!rateBase || pipe.rateSource == RateSource::None)
            continue;
        const int side = fromWriter ? k : k + 1;
        pipe.rate = m_history.slope([&](const TickRecord &r) {
            const StageCounters &c = r.counters[side];
            return !c.ioKnown ? -1.0 : double(fromWriter ? c.bytesOut : c.bytesIn);
        });
    }
    const QList<const TickRecord *> window = m_history.window(MeterHistory::BottleneckWindow);
    if (window.size() >= 2 && window.last()->t - window.first()->t >= MeterHistory::RateWindow * 0.9)
        snapshot.bottleneck = BottleneckFinder::find(window, infos);
}

} // namespace PipeScope
