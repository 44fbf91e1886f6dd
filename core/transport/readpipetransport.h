#pragma once
/// \file readpipetransport.h
/// The read end of a pipe as an asyncio-style transport (asyncio's _UnixReadPipeTransport,
/// with is_reading() and its bugs fixed). See pipetransport.h for SIGPIPE and O_NONBLOCK.

#include "pipescopeexport.h"
#include "pipetransport.h"

#include <QByteArray>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT ReadPipeTransport : public PipeTransport
{
    Q_OBJECT
public:
    /// At most this many bytes in one dataReceived.
    static constexpr qsizetype MaxChunk = 256 * 1024;
    /// At most this many bytes read per wake-up, so one busy pipe cannot starve the others.
    static constexpr qsizetype MaxPerWakeup = 1024 * 1024;

    explicit ReadPipeTransport(QObject *parent = nullptr);
    ~ReadPipeTransport() override;

    /// Stops reading: bytes stay in the kernel (FIONREAD shows them) and a writer blocks
    /// once the pipe is full. Idempotent; does nothing once closing.
    void pauseReading();
    /// Reads again; what the kernel holds arrives on the next wake-up. Idempotent.
    void resumeReading();
    /// Opened, not paused and not closing.
    bool isReading() const;
    bool isPaused() const { return m_paused; }

    /// Stops reading at once (unread kernel bytes are left to the kernel); connectionLost(0)
    /// follows, queued.
    void close() override;

    /// Bytes delivered through dataReceived so far.
    quint64 bytesReceived() const { return m_bytesReceived; }

Q_SIGNALS:
    /// Up to MaxChunk bytes. A chunk you keep may hold up to MaxChunk of capacity; copy it
    /// (or keep only what you need) if you store many.
    void dataReceived(const QByteArray &data);
    /// The writer side closed: eofReceived() then connectionLost(0).
    void eofReceived();
    void readingPaused();
    void readingResumed();

protected:
    void startNotifiers() override;
    void onReadActivated() override;

private:
    enum class ReadResult { Data, WouldBlock, Eof, Error };
    ReadResult readOnce(QByteArray &chunk);
    void deliverEof();
    void updateNotifier();

    QByteArray m_buffer;
    bool m_paused = false;
    quint64 m_bytesReceived = 0;
};

} // namespace PipeScope
