#pragma once
/// \file metersession.h
/// Internal: one metered pipeline, launched or attached -- what PipelineMeter drives from its
/// timer. tick() reads every stage and pipe once and returns the snapshot.

#include "fd.h"
#include "meterhistory.h"
#include "meterstage.h"
#include "metersummary.h"
#include "pipelinediscovery.h"
#include "pipelinelauncher.h"
#include "summaryrecorder.h"

#include <QHash>
#include <QStringList>

#include <memory>
#include <vector>

namespace PipeScope {

class MeterSession
{
public:
    /// Starts \a stages (texts split from the pipeline). nullptr and *error on failure.
    static std::unique_ptr<MeterSession> launch(const QStringList &stages, bool inheritStdio, Error *error);
    /// Meters a pipeline found by PipelineDiscovery.
    static std::unique_ptr<MeterSession> attach(const DiscoveredPipeline &pipeline, Error *error);

    bool isLaunched() const { return m_launcher != nullptr; }
    /// Every stage has ended (launched: and was reaped).
    bool isFinished() const;
    /// One sample at \a t seconds since the start.
    MeterSnapshot tick(double t);
    /// A launched pipeline: SIGTERM now, SIGKILL after 1 s of ticks. Marks the run interrupted.
    void terminate(double t);
    bool signalStage(int index, int signal, Error *error);
    /// Launched: one pidfd per stage (see PipelineLauncher::exitNotifyFd), -1 where none;
    /// attached: empty (not our children).
    QList<int> exitNotifyFds() const;

    QList<StageSample> stageList() const;
    MeterSummary summary() const { return m_recorder.summary(); }

private:
    MeterSession();
    void setUp();
    void reapExited(QList<StageSample> &samples);
    MeterPipeSample readPipe(int k, const QList<StageSample> &samples);
    void updateSpliceBlindness(int k);
    RateSource rateSourceOf(int k) const;
    void addWindowedValues(MeterSnapshot &snapshot);

    Fd m_procFd;
    std::unique_ptr<PipelineLauncher> m_launcher;
    std::vector<MeterStage> m_stages;
    QList<StageSample> m_lastSamples;
    QList<bool> m_blindOut; ///< stage K's wchar lags its reader's rchar: it splices out
    QList<bool> m_blindIn;  ///< stage K's rchar lags its writer's wchar: it splices in
    QHash<int, QString> m_lastWchan;
    MeterHistory m_history;
    SummaryRecorder m_recorder;
    double m_lastTick = 0;
    double m_lastRescan = -1e9;
    double m_terminatedAt = -1;
    bool m_killed = false;
};

} // namespace PipeScope
