#pragma once
/// \file pipelinehistory.h
/// What the Pipeline page's charts draw: for every pipe its rate over time, for every stage
/// its activity over time as bands (one band per run of equal samples, so an hour at 10 Hz
/// is a few hundred bands, not 36,000 points), and the time axis both charts share, so a
/// pipe's drop and the stage that blocked line up vertically.
///
/// Appending is O(stages + pipes) per sample; data older than MaxSeconds is dropped.

#include <pipescope/metersnapshot.h>

#include <QList>

#include <deque>
#include <vector>

namespace PipeScope::Ui {

class PipelineHistory
{
public:
    static constexpr double MaxSeconds = 600;
    /// The charts show the whole run until it is this long, then its last this many seconds.
    static constexpr double VisibleSeconds = 60;
    static constexpr double MinimumVisibleSeconds = 10;

    struct RatePoint
    {
        double t = 0;    ///< seconds since the meter started
        double rate = 0; ///< bytes per second; negative when unknown
    };
    struct Band
    {
        double start = 0;
        double end = 0;
        StageActivity activity = StageActivity::Unknown;
    };

    void clear();
    /// One sample at \a t (seconds, increasing): one activity per stage, one rate per pipe.
    /// A list longer than before adds rows (a stage found later by attach).
    void append(double t, const QList<StageActivity> &stages, const QList<double> &rates);
    /// The same from one tick of the meter.
    void append(const MeterSnapshot &snapshot);

    int stageCount() const { return int(m_bands.size()); }
    int pipeCount() const { return int(m_rates.size()); }
    const std::deque<Band> &bands(int stage) const { return m_bands.at(size_t(stage)); }
    const std::deque<RatePoint> &rates(int pipe) const { return m_rates.at(size_t(pipe)); }
    /// The largest rate of any pipe within the visible range (0 when none).
    double peakRate() const;

    bool isEmpty() const { return m_last < 0; }
    double lastTime() const { return m_last; }
    /// The time range both charts draw: [first, first + 10 s] early on, then the whole run,
    /// then the last VisibleSeconds.
    double visibleStart() const;
    double visibleEnd() const;

private:
    void trim();

    std::vector<std::deque<Band>> m_bands;
    std::vector<std::deque<RatePoint>> m_rates;
    double m_first = -1;
    double m_last = -1;
};

} // namespace PipeScope::Ui
