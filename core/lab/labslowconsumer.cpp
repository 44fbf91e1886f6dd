#include "labslowconsumer.h"

#include <algorithm>

namespace PipeScope {

LabSlowConsumer::LabSlowConsumer(QObject *parent) : QObject(parent) { }

void LabSlowConsumer::setMaxRate(qint64 bytesPerSecond)
{
    m_rate = std::max<qint64>(0, bytesPerSecond);
    m_tokens = burst();
    m_lastNs = -1;
    if (m_rate == 0)
        setThrottling(false, 0);
}

double LabSlowConsumer::burst() const
{
    // A tenth of a second's worth: small enough that the average shows within a second.
    return std::max(1.0, double(m_rate) / 10);
}

void LabSlowConsumer::refill(qint64 nowNs)
{
    if (m_lastNs >= 0 && nowNs > m_lastNs)
        m_tokens = std::min(burst(), m_tokens + double(m_rate) * double(nowNs - m_lastNs) / 1e9);
    m_lastNs = nowNs;
}

void LabSlowConsumer::consumed(qint64 bytes, qint64 nowNs)
{
    if (m_rate == 0)
        return;
    refill(nowNs);
    m_tokens -= double(bytes);
    if (m_tokens < 0)
        setThrottling(true, nowNs);
}

void LabSlowConsumer::tick(qint64 nowNs)
{
    if (m_rate == 0)
        return;
    refill(nowNs);
    if (m_throttling && m_tokens >= 0 && nowNs - m_pausedSinceNs >= MinPauseNs)
        setThrottling(false, nowNs);
}

void LabSlowConsumer::setThrottling(bool throttling, qint64 nowNs)
{
    if (m_throttling == throttling)
        return;
    m_throttling = throttling;
    if (throttling)
        m_pausedSinceNs = nowNs;
    Q_EMIT throttlingChanged(throttling);
}

} // namespace PipeScope
