#include "pipelinehistory.h"

#include <algorithm>

namespace PipeScope::Ui {

void PipelineHistory::clear()
{
    m_bands.clear();
    m_rates.clear();
    m_first = m_last = -1;
}

void PipelineHistory::append(double t, const QList<StageActivity> &stages, const QList<double> &rates)
{
    if (m_first < 0)
        m_first = t;
    const double previous = m_last < 0 ? t : m_last;
    m_last = t;
    if (m_bands.size() < size_t(stages.size()))
        m_bands.resize(size_t(stages.size()));
    if (m_rates.size() < size_t(rates.size()))
        m_rates.resize(size_t(rates.size()));
    for (qsizetype i = 0; i < stages.size(); ++i) {
        std::deque<Band> &bands = m_bands[size_t(i)];
        // A sample stands for the time since the previous one: the band grows back to it.
        if (!bands.empty() && bands.back().activity == stages[i] && bands.back().end >= previous)
            bands.back().end = t;
        else
            bands.push_back({ previous, t, stages[i] });
    }
    for (qsizetype i = 0; i < rates.size(); ++i)
        m_rates[size_t(i)].push_back({ t, rates[i] });
    trim();
}

void PipelineHistory::append(const MeterSnapshot &snapshot)
{
    QList<StageActivity> activities;
    for (const StageSample &stage : snapshot.stages)
        activities << stage.activity;
    QList<double> rates;
    for (const auto &pipe : snapshot.pipes)
        rates << pipe.rate;
    append(snapshot.t, activities, rates);
}

void PipelineHistory::trim()
{
    const double oldest = m_last - MaxSeconds;
    for (std::deque<Band> &bands : m_bands) {
        while (!bands.empty() && bands.front().end < oldest)
            bands.pop_front();
    }
    for (std::deque<RatePoint> &points : m_rates) {
        while (!points.empty() && points.front().t < oldest)
            points.pop_front();
    }
}

double PipelineHistory::visibleStart() const
{
    if (isEmpty())
        return 0;
    return std::max(m_first, m_last - VisibleSeconds);
}

double PipelineHistory::visibleEnd() const
{
    if (isEmpty())
        return MinimumVisibleSeconds;
    return std::max(m_last, visibleStart() + MinimumVisibleSeconds);
}

double PipelineHistory::peakRate() const
{
    const double from = visibleStart();
    double peak = 0;
    for (const std::deque<RatePoint> &points : m_rates) {
        for (auto it = points.rbegin(); it != points.rend() && it->t >= from; ++it)
            peak = std::max(peak, it->rate);
    }
    return peak;
}

} // namespace PipeScope::Ui
