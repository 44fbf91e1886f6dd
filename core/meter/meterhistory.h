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
    static constexpr double BottleneckWindow = 1.5; ///< seconds, at most

    void append(TickRecord record);
    bool isEmpty() const { return m_records.empty(); }
    const TickRecord &latest() const { return m_records.back(); }
    /// The newest record at least \a span seconds older than the latest, or nullptr.
    const TickRecord *before(double span) const;
    /// The records of the last \a span seconds (the latest included), oldest first.
    QList<const TickRecord *> window(double span) const;

private:
    std::deque<TickRecord> m_records;
};

} // namespace PipeScope
