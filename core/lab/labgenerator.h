#pragma once
/// \file labgenerator.h
/// Produces data into a lab pipe's WritePipeTransport at a chosen rate and chunk size.
///
/// It writes while the transport is not writing-paused, so the transport's buffer does grow
/// past the high-water mark (that is what the lab shows), and it stops producing while
/// writingPaused holds: no debt is kept for that time, so nothing is buffered without bound.
/// It is driven by tick() from the lab's timer rather than its own, so 200 generators cost
/// one timer.

#include <QByteArray>
#include <QObject>
#include <QPointer>

namespace PipeScope {

class WritePipeTransport;

class LabGenerator : public QObject
{
    Q_OBJECT
public:
    enum class Pattern {
        Text,   ///< numbered text lines (readable in the data view; compresses well)
        Random, ///< pseudo-random bytes (incompressible: gzip's output grows like its input)
    };
    Q_ENUM(Pattern)

    static constexpr qint64 DefaultRate = 16 * 1024;
    static constexpr int DefaultChunk = 512;
    static constexpr int MaxChunk = 1024 * 1024;
    /// At most this many bytes per tick when the rate is unlimited (0), so one generator
    /// cannot hold the event loop.
    static constexpr qint64 MaxPerTick = 1024 * 1024;

    explicit LabGenerator(WritePipeTransport *writer, QObject *parent = nullptr);

    /// Bytes per second; 0 means "as fast as the pipe takes it" (flow control still holds).
    void setRate(qint64 bytesPerSecond);
    qint64 rate() const { return m_rate; }
    /// Bytes per write(), 1..MaxChunk.
    void setChunkSize(int bytes);
    int chunkSize() const { return m_chunk; }
    void setPattern(Pattern pattern) { m_pattern = pattern; }
    Pattern pattern() const { return m_pattern; }

    void start();
    void stop();
    bool isRunning() const { return m_running; }
    quint64 bytesGenerated() const { return m_generated; }

    /// Writes what is due at \a nowNs (a monotonic clock in nanoseconds).
    void tick(qint64 nowNs);

Q_SIGNALS:
    void runningChanged(bool running);

private:
    bool canWrite() const;
    QByteArray nextChunk(int size);

    QPointer<WritePipeTransport> m_writer;
    qint64 m_rate = DefaultRate;
    int m_chunk = DefaultChunk;
    Pattern m_pattern = Pattern::Text;
    bool m_running = false;
    qint64 m_lastNs = -1;
    double m_credit = 0;
    qint64 m_offset = 0;
    quint64 m_generated = 0;
};

} // namespace PipeScope
