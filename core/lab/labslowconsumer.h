#pragma once
/// \file labslowconsumer.h
/// Simulates a slow reader on a lab pipe: at most maxRate() bytes per second on average.
///
/// It can only pause and resume the ReadPipeTransport (a transport reads what is queued, up
/// to 1 MiB per wake-up), so it works as a token bucket: each chunk spends tokens, and when
/// they run out reading pauses until the bucket has refilled. Bursts are therefore as big as
/// a chunk; the average rate is right. Driven by tick() from the lab's timer.

#include <QObject>

namespace PipeScope {

class LabSlowConsumer : public QObject
{
    Q_OBJECT
public:
    /// A throttled reader stays paused at least this long, so the timeline does not fill with
    /// pause/resume pairs when the writer is just a little faster than the reader.
    static constexpr qint64 MinPauseNs = 200'000'000;

    explicit LabSlowConsumer(QObject *parent = nullptr);

    /// Bytes per second; 0 means no limit (the reader reads as fast as it can).
    void setMaxRate(qint64 bytesPerSecond);
    qint64 maxRate() const { return m_rate; }
    bool isThrottling() const { return m_throttling; }

    /// Accounts \a bytes just read at \a nowNs.
    void consumed(qint64 bytes, qint64 nowNs);
    /// Refills the bucket; may end the throttling.
    void tick(qint64 nowNs);

Q_SIGNALS:
    /// The reader must pause (true) or may resume (false).
    void throttlingChanged(bool throttling);

private:
    void refill(qint64 nowNs);
    double burst() const;
    void setThrottling(bool throttling, qint64 nowNs);

    qint64 m_rate = 0;
    double m_tokens = 0;
    qint64 m_lastNs = -1;
    qint64 m_pausedSinceNs = 0;
    bool m_throttling = false;
};

} // namespace PipeScope
