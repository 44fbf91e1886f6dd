#pragma once
/// \file summaryrecorder.h
/// Internal: turns the ticks of a run into its MeterSummary -- per stage totals, CPU and the
/// time seen blocked on each side; per pipe bytes and min/avg/max of the >= 1 s rates; the
/// bottleneck named in most windows with its most frequent cause.

#include "metersummary.h"

#include <QHash>

namespace PipeScope {

class SummaryRecorder
{
public:
    /// Sets up one StageSummary / PipeSummary per stage / pipe of \a first.
    void start(const QList<StageSample> &stages);
    /// Counts one tick that covered \a dt seconds. \a cpuSeconds per stage (cumulative).
    void record(const MeterSnapshot &snapshot, double dt, const QList<double> &cpuSeconds);
    /// Stage \a k ended: exact totals from the zombie, and how it ended.
    void setExit(int k, const StageSample &final, double cpuSeconds, std::optional<int> exitCode, int signal);
    void setInterrupted() { m_summary.interrupted = true; }

    MeterSummary summary() const;

private:
    MeterSummary m_summary;
    QHash<int, int> m_votes;                 ///< stage (-1: balanced) -> windows
    QHash<int, QHash<int, int>> m_causes;    ///< stage -> cause -> windows
    QHash<int, QString> m_lastTexts;         ///< stage -> the latest verdict's sentence
};

} // namespace PipeScope
