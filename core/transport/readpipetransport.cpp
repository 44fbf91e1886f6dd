#include "readpipetransport.h"

#include "sys.h"
#include "transportlogging.h"

#include <QPointer>
#include <QSocketNotifier>

#include <cstring>

namespace PipeScope {

namespace {
// Reads shorter than this are copied into a right-sized array, so a consumer that keeps many
// small chunks does not keep MaxChunk of capacity with each. Larger reads hand out the read
// buffer itself: no copy and no shrinking realloc. (A buffer malloc'ed per read and shrunk to
// the bytes read is served by mmap above glibc's 128 KiB threshold and unmapped at free:
// asyncio pays ~18 page faults per read for it; we pay 0.001-0.012, bench/RESULTS.md.)
constexpr qsizetype CopyBelow = 16 * 1024;
} // namespace

ReadPipeTransport::ReadPipeTransport(QObject *parent) : PipeTransport(Direction::Read, parent) { }

ReadPipeTransport::~ReadPipeTransport() = default;

bool ReadPipeTransport::isReading() const
{
    return isOpen() && !m_paused && !isClosing();
}

void ReadPipeTransport::pauseReading()
{
    if (isClosing() || m_paused || isLost())
        return;
    m_paused = true;
    updateNotifier();
    emitWhenConnected([this] { Q_EMIT readingPaused(); });
}

void ReadPipeTransport::resumeReading()
{
    if (isClosing() || !m_paused || isLost())
        return;
    m_paused = false;
    updateNotifier();
    emitWhenConnected([this] { Q_EMIT readingResumed(); });
}

void ReadPipeTransport::close()
{
    closeWithError(0);
}

void ReadPipeTransport::startNotifiers()
{
    updateNotifier();
}

void ReadPipeTransport::updateNotifier()
{
    // Before connectionMade the notifier stays off; startNotifiers() decides then.
    if (readNotifier() && isConnected())
        readNotifier()->setEnabled(isReading());
}

ReadPipeTransport::ReadResult ReadPipeTransport::readOnce(QByteArray &chunk)
{
    // Reuse the buffer unless the last consumer kept it (then it is shared: start a new one,
    // never detach-copy it).
    if (m_buffer.isDetached() && m_buffer.capacity() >= MaxChunk)
        m_buffer.resize(MaxChunk); // within capacity: no allocation
    else
        m_buffer = QByteArray(MaxChunk, Qt::Uninitialized);
    const ssize_t n = Sys::read(fd(), m_buffer.data(), size_t(MaxChunk));
    if (n > 0) {
        if (n < CopyBelow) {
            chunk = QByteArray(m_buffer.constData(), n);
        } else {
            m_buffer.truncate(n); // keeps the capacity: no realloc
            chunk = m_buffer;
        }
        return ReadResult::Data;
    }
    if (n == 0)
        return ReadResult::Eof;
    return errno == EAGAIN ? ReadResult::WouldBlock : ReadResult::Error;
}

void ReadPipeTransport::onReadActivated()
{
    QPointer<ReadPipeTransport> guard(this);
    qsizetype budget = MaxPerWakeup;
    while (budget > 0 && isReading()) {
        QByteArray chunk;
        switch (readOnce(chunk)) {
        case ReadResult::WouldBlock:
            return;
        case ReadResult::Eof:
            deliverEof();
            return;
        case ReadResult::Error: {
            const int err = errno;
            // EIO is how a pty master learns its slave closed: an ordinary end, not an alarm.
            if (err != EIO)
                qCWarning(lcTransport, "read fd %d: %s", fd(), strerror(err));
            closeWithError(err);
            return;
        }
        case ReadResult::Data:
            break;
        }
        const qsizetype n = chunk.size();
        budget -= n;
        m_bytesReceived += quint64(n);
        Q_EMIT dataReceived(chunk);
        if (!guard)
            return;
        if (n < MaxChunk)
            return; // a short read drained the pipe; poll tells us when there is more
    }
}

void ReadPipeTransport::deliverEof()
{
    // eofReceived() then connectionLost(0), both from the event loop like asyncio's two
    // call_soon()s. closeWithError queues connectionLost; eofReceived is queued first.
    QMetaObject::invokeMethod(
            this, [this] { Q_EMIT eofReceived(); }, Qt::QueuedConnection);
    closeWithError(0);
}

} // namespace PipeScope
