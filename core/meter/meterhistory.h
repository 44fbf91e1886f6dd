#pragma once
/// \file meterhistory.h
/// Internal: the last few seconds of ticks, for what needs a window -- rates and CPU shares
/// over >= 1 s (a rate limiter's bursts and a 64 MiB write landing in one step average out),
/// the bottleneck over 1.5 s.

#include "meterstage.h"
#include "metersnapshot.h"

#include <QList>

#include <deque>

namespace PipeScope {

struct TickRecord
{
    double t = 0;
    QList<StageCounters> counters;
    QList<StageActivity> activities;
    QList<double> fills; ///< per pipe, queued / capacity, -1 when unknown
};

class MeterHistory
{
public:
    static constexpr double RateWindow = 1.0;       ///< seconds, at least
    /// Rates are fitted over the last 3 s: pv -L moves its allowance in bursts every ~0.1 s
    /// (512 KiB at 5 MiB/s), and a difference of two counters 1 s apart counts 9 to 11 of
    /// them (measured -10 % .. +9 %); a least-squares slope over 3 s stays within +-1.5 %.
    static constexpr double RateSpan = 3.0;
    static constexpr double BottleneckWindow = 1.5; ///< seconds, at most

    void append(TickRecord record);
    bool isEmpty() const { return m_records.empty(); }
    const TickRecord &latest() const { return m_records.back(); }
    /// The newest record at least \a span seconds older than the latest, or nullptr.
    const TickRecord *before(double span) const;
    /// The records of the last \a span seconds (the latest included), oldest first.
    QList<const TickRecord *> window(double span) const;
    /// The least-squares slope (units per second) of \a value over the records of the last
    /// RateSpan seconds, or -1 when they span less than RateWindow. \a value may return -1 for a
    /// record that does not count.
    template<typename Value>
    double slope(Value value) const;

private:
    static double fit(const QList<std::pair<double, double>> &points);
    /// True when the value has not moved over the last RateWindow: the rate is 0 now, whatever
    /// the 3 s fit still remembers of the bytes before (a pipeline that just stopped would
    /// otherwise read as flowing for up to RateSpan seconds).
    static bool stillForAWindow(const QList<std::pair<double, double>> &points);

    std::deque<TickRecord> m_records;
};

template<typename Value>
double MeterHistory::slope(Value value) const
{
    QList<std::pair<double, double>> points;
    for (const TickRecord *record : window(RateSpan)) {
        const double v = value(*record);
        if (v >= 0)
            points.append({ record->t, v });
    }
    return fit(points);
}

} // namespace PipeScope
