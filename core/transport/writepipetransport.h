#pragma once
/// \file writepipetransport.h
/// The write end of a pipe as an asyncio-style transport (asyncio's _UnixWritePipeTransport
/// with its flow control, minus its bugs). See pipetransport.h for SIGPIPE and O_NONBLOCK.
///
/// Buffering: a write goes straight to the fd when nothing is queued. Once bytes are queued,
/// small writes are copied into the tail chunk and large ones are kept by reference
/// (QByteArray's implicit sharing), and everything is flushed in order with one writev()
/// when the fd is writable.

#include "pipescopeexport.h"
#include "pipetransport.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <deque>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT WritePipeTransport : public PipeTransport
{
    Q_OBJECT
public:
    static constexpr qsizetype DefaultHighWater = 64 * 1024;

    explicit WritePipeTransport(QObject *parent = nullptr);
    ~WritePipeTransport() override;

    /// Writes \a data, or queues what the pipe cannot take now. Empty data is a no-op.
    /// After close(), writeEof(), abort() or the connection's loss the data is dropped and
    /// counted in droppedWrites() (one warning is logged per transport).
    void write(const QByteArray &data);
    void writeLines(const QList<QByteArray> &lines);
    /// Flushes what is queued, then closes the write end: the reader sees every byte, then EOF.
    void writeEof();
    bool canWriteEof() const { return true; }

    /// Bytes queued in this transport (not those in the kernel pipe).
    qsizetype writeBufferSize() const { return m_bufferSize; }
    /// asyncio's rules: -1 means unset; both unset → 65536/16384; only high → low = high/4;
    /// only low → high = 4·low; high ≥ low ≥ 0 must hold, otherwise false, the limits stay
    /// and errorString() says why. May emit writingPaused() at once; never writingResumed().
    bool setWriteBufferLimits(qsizetype high = -1, qsizetype low = -1);
    /// (low, high), low first as in asyncio.
    QPair<qsizetype, qsizetype> writeBufferLimits() const { return { m_low, m_high }; }
    bool isWritingPaused() const { return m_writingPaused; }

    /// Flushes the whole buffer, then closes; connectionLost(0) after the last byte went into
    /// the kernel. Also from inside a writingResumed() handler, and bytes written there count.
    void close() override;
    /// Drops the buffer (writeBufferSize() is 0 at once) and closes.
    void abort() override;

    quint64 droppedWrites() const { return m_droppedWrites; }
    /// Bytes handed to the kernel so far.
    quint64 bytesWritten() const { return m_bytesWritten; }

Q_SIGNALS:
    /// The buffer grew strictly above the high-water mark.
    void writingPaused();
    /// The buffer drained to the low-water mark or below (checked after every flush).
    void writingResumed();

protected:
    void startNotifiers() override;
    void onReadActivated() override;
    void onWriteActivated() override;
    void aboutToClose() override;

private:
    void enqueue(const QByteArray &data, qsizetype from);
    qsizetype writeQueued();
    void consume(qsizetype written);
    void dropWrite();
    void clearBuffer();
    void maybePause();
    void maybeResume();
    void finishIfFlushed();
    void setWriteNotifierEnabled(bool enabled);

    std::deque<QByteArray> m_chunks;
    qsizetype m_headOffset = 0; // bytes of m_chunks.front() already written
    qsizetype m_bufferSize = 0;
    bool m_tailIsStaging = false; // the last chunk is ours, so small writes may append to it
    qsizetype m_high = DefaultHighWater;
    qsizetype m_low = DefaultHighWater / 4;
    bool m_writingPaused = false;
    bool m_warnedDrop = false;
    quint64 m_droppedWrites = 0;
    quint64 m_bytesWritten = 0;
};

} // namespace PipeScope
