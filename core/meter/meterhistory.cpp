#include "meterhistory.h"

#include <algorithm>

namespace PipeScope {

void MeterHistory::append(TickRecord record)
{
    m_records.push_back(std::move(record));
    // Keep what the longest window needs, plus the record just outside it.
    const double horizon = m_records.back().t - std::max(2 * BottleneckWindow, RateSpan);
    while (m_records.size() > 2 && m_records[1].t < horizon)
        m_records.pop_front();
}

const TickRecord *MeterHistory::before(double span) const
{
    if (m_records.empty())
        return nullptr;
    const double limit = m_records.back().t - span;
    for (auto it = m_records.rbegin(); it != m_records.rend(); ++it) {
        if (it->t <= limit)
            return &*it;
    }
    return nullptr;
}

QList<const TickRecord *> MeterHistory::window(double span) const
{
    QList<const TickRecord *> records;
    if (m_records.empty())
        return records;
    const double limit = m_records.back().t - span;
    for (const TickRecord &record : m_records) {
        if (record.t > limit)
            records << &record;
    }
    return records;
}

bool MeterHistory::stillForAWindow(const QList<std::pair<double, double>> &points)
{
    const auto &[lastT, lastV] = points.last();
    for (auto it = points.rbegin(); it != points.rend(); ++it) {
        if (it->second != lastV)
            return false;
        if (lastT - it->first >= RateWindow * 0.99)
            return true;
    }
    return false;
}

double MeterHistory::fit(const QList<std::pair<double, double>> &points)
{
    if (points.size() < 2 || points.last().first - points.first().first < RateWindow * 0.99)
        return -1;
    if (stillForAWindow(points))
        return 0;
    double meanT = 0, meanV = 0;
    for (const auto &[t, v] : points) {
        meanT += t;
        meanV += v;
    }
    meanT /= double(points.size());
    meanV /= double(points.size());
    double covariance = 0, variance = 0;
    for (const auto &[t, v] : points) {
        covariance += (t - meanT) * (v - meanV);
        variance += (t - meanT) * (t - meanT);
    }
    return variance > 0 ? std::max(0.0, covariance / variance) : -1;
}

} // namespace PipeScope
