#include "meterhistory.h"

namespace PipeScope {

void MeterHistory::append(TickRecord record)
{
    m_records.push_back(std::move(record));
    // Keep what the longest window needs, plus the record just outside it.
    const double horizon = m_records.back().t - 2 * BottleneckWindow;
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

} // namespace PipeScope
