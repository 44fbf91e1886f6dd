#include "summaryrecorder.h"

#include <algorithm>

namespace PipeScope {

void SummaryRecorder::start(const QList<StageSample> &stages)
{
    for (const StageSample &stage : stages) {
        StageSummary summary;
        summary.pids = stage.pids;
        summary.pid = stage.pid;
        summary.command = stage.command;
        m_summary.stages << summary;
    }
    for (int k = 0; k + 1 < stages.size(); ++k)
        m_summary.pipes << PipeSummary { k, k + 1 };
}

void SummaryRecorder::record(const MeterSnapshot &snapshot, double dt, const QList<double> &cpuSeconds)
{
    m_summary.duration = snapshot.t;
    for (int k = 0; k < snapshot.stages.size() && k < m_summary.stages.size(); ++k) {
        const StageSample &sample = snapshot.stages[k];
        StageSummary &stage = m_summary.stages[k];
        if (stage.exact)
            continue; // final values already taken from the zombie
        stage.pids = sample.pids;
        stage.bytesIn = sample.bytesIn;
        stage.bytesOut = sample.bytesOut;
        stage.cpuSeconds = cpuSeconds.value(k);
        stage.flags = sample.flags;
        if (sample.activity == StageActivity::BlockedReading)
            stage.blockedReadingSeconds += dt;
        if (sample.activity == StageActivity::BlockedWriting)
            stage.blockedWritingSeconds += dt;
    }
    for (int p = 0; p < snapshot.pipes.size() && p < m_summary.pipes.size(); ++p) {
        const MeterPipeSample &pipe = snapshot.pipes[p];
        PipeSummary &summary = m_summary.pipes[p];
        if (pipe.rateSource != RateSource::None)
            summary.rateSource = pipe.rateSource;
        if (pipe.rate >= 0) {
            summary.minRate = summary.minRate < 0 ? pipe.rate : std::min(summary.minRate, pipe.rate);
            summary.maxRate = std::max(summary.maxRate, pipe.rate);
        }
    }
    const Bottleneck &verdict = snapshot.bottleneck;
    if (verdict.cause != BottleneckCause::Unknown) {
        ++m_votes[verdict.stage];
        ++m_causes[verdict.stage][int(verdict.cause)];
        m_lastTexts[verdict.stage] = verdict.text;
    }
}

void SummaryRecorder::setExit(int k, const StageSample &final, double cpuSeconds, std::optional<int> exitCode,
                              int signal)
{
    StageSummary &stage = m_summary.stages[k];
    stage.bytesIn = final.bytesIn;
    stage.bytesOut = final.bytesOut;
    stage.cpuSeconds = cpuSeconds;
    stage.flags = final.flags;
    stage.exitCode = exitCode;
    stage.signal = signal;
    stage.exact = !(final.flags & StageFlag::NoAccess);
}

MeterSummary SummaryRecorder::summary() const
{
    MeterSummary result = m_summary;
    for (PipeSummary &pipe : result.pipes) {
        const StageSummary &writer = result.stages[pipe.from], &reader = result.stages[pipe.to];
        pipe.bytes = pipe.rateSource == RateSource::ReaderIn ? reader.bytesIn
                   : pipe.rateSource == RateSource::WriterOut ? writer.bytesOut : 0;
        pipe.avgRate = result.duration > 0 && pipe.rateSource != RateSource::None
                ? double(pipe.bytes) / result.duration : -1;
    }
    int best = -2, votes = 0;
    for (auto it = m_votes.cbegin(); it != m_votes.cend(); ++it) {
        if (it.value() > votes || (it.value() == votes && it.key() > best)) {
            best = it.key();
            votes = it.value();
        }
    }
    if (best == -2)
        return result;
    int cause = int(BottleneckCause::Unknown), causeVotes = 0;
    const QHash<int, int> causes = m_causes.value(best);
    for (auto it = causes.cbegin(); it != causes.cend(); ++it) {
        if (it.value() > causeVotes) {
            cause = it.key();
            causeVotes = it.value();
        }
    }
    result.bottleneck.stage = best;
    result.bottleneck.cause = BottleneckCause(cause);
    result.bottleneck.text = m_lastTexts.value(best);
    return result;
}

} // namespace PipeScope
