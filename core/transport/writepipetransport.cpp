#include "writepipetransport.h"

#include "sys.h"
#include "transportlogging.h"

#include <QPointer>
#include <QSocketNotifier>

#include <climits>
#include <cstring>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>

namespace PipeScope {

namespace {
// While data is queued, writes smaller than CopyBelow are always copied into a staging chunk,
// so many tiny writes leave in one writev. Writes smaller than CoalesceBelow are copied only if
// the staging tail still has room (a small header and its payload stay together, no new
// staging chunk per header). Everything else is queued by reference (implicit sharing): a copy
// costs more than the iovec it saves (4 KiB writes by reference take 10-18% less CPU in the
// transport benchmark; at 64 KiB a copy into staging is pure overhead: the kernel copies the
// bytes once more either way, bench/RESULTS.md).
constexpr qsizetype CopyBelow = 4 * 1024;
constexpr qsizetype CoalesceBelow = 16 * 1024;
constexpr qsizetype StagingCapacity = 64 * 1024;
// One writev() covers the whole default pipe (16 slots) even with small chunks.
constexpr int MaxIovecs = 64;

// Copies a small write into the staging tail if it has room. File-local so it inlines into
// write(): once bytes are queued this is the whole cost of a small write. Instructions per
// 64 B write in the transport benchmark (callgrind, whole process): 228 with
// QByteArray::append() (Qt's general insert() path), 142 with resize() + memcpy, 99 with this.
// It appends through QByteArray's data pointer (public, documented as internal) and so leaves
// no '\0' after the last byte: staging chunks are ours and only ever read as (constData, size).
inline bool appendToStaging(QByteArray &tail, const char *data, qsizetype size)
{
    if (tail.size() + size > StagingCapacity)
        return false;
    QByteArray::DataPointer &d = tail.data_ptr();
    Q_ASSERT(!d.needsDetach() && size <= d.freeSpaceAtEnd()); // reserved, never shared
    d->copyAppend(data, data + size);
    return true;
}
} // namespace

WritePipeTransport::WritePipeTransport(QObject *parent) : PipeTransport(Direction::Write, parent)
{
}

WritePipeTransport::~WritePipeTransport()
{
    stopHangupWatch();
}

void WritePipeTransport::write(const QByteArray &data)
{
    if (data.isEmpty())
        return;
    if (isClosing() || !isOpen()) {
        dropWrite();
        return;
    }
    if (m_bufferSize > 0) {
        // Keep the order: never write around queued bytes.
        if (data.size() < CoalesceBelow && m_tailIsStaging
            && appendToStaging(m_chunks.back(), data.constData(), data.size()))
            m_bufferSize += data.size();
        else
            enqueue(data, 0);
    } else {
        const ssize_t n = Sys::write(fd(), data.constData(), size_t(data.size()));
        if (n < 0 && errno != EAGAIN) {
            closeWithError(errno);
            return;
        }
        const qsizetype written = qMax<qsizetype>(n, 0);
        m_bytesWritten += quint64(written);
        if (written == data.size())
            return;
        enqueue(data, written);
        setWriteNotifierEnabled(true);
    }
    if (m_bufferSize > m_high)
        maybePause();
}

qsizetype WritePipeTransport::tryWrite(const QByteArray &data)
{
    if (isClosing() || !isOpen())
        return -1;
    if (data.isEmpty())
        return 0;
    if (m_bufferSize > 0) {
        setError(EAGAIN, QStringLiteral("tryWrite: %1 bytes are still queued; writing now would "
                                        "put these before them").arg(m_bufferSize));
        return -1;
    }
    const ssize_t n = Sys::write(fd(), data.constData(), size_t(data.size()));
    if (n < 0) {
        if (errno == EAGAIN)
            return 0; // the pipe is full: nothing taken, nothing queued
        closeWithError(errno);
        return -1;
    }
    m_bytesWritten += quint64(n);
    return n;
}

void WritePipeTransport::writeLines(const QList<QByteArray> &lines)
{
    write(lines.join());
}

void WritePipeTransport::enqueue(const QByteArray &data, qsizetype from)
{
    const qsizetype size = data.size() - from;
    const char *bytes = data.constData() + from;
    m_bufferSize += size;
    if (size < CoalesceBelow && m_tailIsStaging && appendToStaging(m_chunks.back(), bytes, size))
        return;
    if (size >= CopyBelow) {
        if (m_chunks.empty())
            m_headOffset = from;
        else
            Q_ASSERT(from == 0);
        m_chunks.push_back(data);
        m_tailIsStaging = false;
        return;
    }
    QByteArray staging;
    staging.reserve(StagingCapacity);
    if (m_chunks.empty())
        m_headOffset = 0;
    m_chunks.push_back(std::move(staging));
    m_tailIsStaging = true;
    const bool appended = appendToStaging(m_chunks.back(), bytes, size);
    Q_ASSERT(appended); // size < CopyBelow fits in a fresh staging chunk
    Q_UNUSED(appended);
}

void WritePipeTransport::onWriteActivated()
{
    const qsizetype written = writeQueued();
    if (written < 0) {
        if (errno != EAGAIN)
            closeWithError(errno);
        return;
    }
    consume(written);
    QPointer<WritePipeTransport> guard(this);
    maybeResume(); // a writingResumed() handler may write, close or delete us
    if (!guard)
        return;
    // Switched off only after writingResumed(): a handler that refills the buffer keeps it on,
    // which spares an off/on pair per refill (with the glib dispatcher each toggle changes the
    // poll set and signals its eventfd: two syscalls).
    if (m_bufferSize == 0)
        setWriteNotifierEnabled(false);
    finishIfFlushed();
}

qsizetype WritePipeTransport::writeQueued()
{
    iovec iov[MaxIovecs];
    int count = 0;
    qsizetype offset = m_headOffset;
    for (auto it = m_chunks.begin(); it != m_chunks.end() && count < MaxIovecs; ++it) {
        iov[count].iov_base = const_cast<char *>(it->constData() + offset);
        iov[count].iov_len = size_t(it->size() - offset);
        ++count;
        offset = 0;
    }
    return Sys::writev(fd(), iov, count);
}

void WritePipeTransport::consume(qsizetype written)
{
    m_bytesWritten += quint64(written);
    m_bufferSize -= written;
    // Flushed bytes are consumed by offset: no memmove of what is left.
    while (written > 0) {
        const qsizetype available = m_chunks.front().size() - m_headOffset;
        if (written < available) {
            m_headOffset += written;
            return;
        }
        written -= available;
        m_chunks.pop_front();
        m_headOffset = 0;
    }
    if (m_chunks.empty())
        m_tailIsStaging = false;
}

void WritePipeTransport::writeEof()
{
    if (isClosing() || !isOpen())
        return;
    beginClosing();
    finishIfFlushed();
}

void WritePipeTransport::close()
{
    writeEof();
}

void WritePipeTransport::abort()
{
    if (!isOpen())
        return;
    clearBuffer();
    closeWithError(0);
}

void WritePipeTransport::finishIfFlushed()
{
    // Re-checked after writingResumed(): a handler may have queued more (CPython 3.11 does
    // not re-check and loses that tail when close() is called from resume_writing()).
    if (isClosing() && m_bufferSize == 0)
        closeWithError(0);
}

void WritePipeTransport::aboutToClose()
{
    clearBuffer();
    stopHangupWatch();
}

void WritePipeTransport::clearBuffer()
{
    m_chunks.clear();
    m_headOffset = 0;
    m_bufferSize = 0;
    m_tailIsStaging = false;
    m_writingPaused = false; // no writingResumed() follows an abort or a loss
}

void WritePipeTransport::dropWrite()
{
    ++m_droppedWrites;
    if (m_warnedDrop)
        return;
    m_warnedDrop = true;
    if (isClosing()) {
        qCWarning(lcTransport, "write after the pipe transport closed (reader gone or close() "
                               "called): data dropped; further drops are only counted");
    } else {
        qCWarning(lcTransport, "write on a pipe transport that was never opened: data dropped; "
                               "further drops are only counted");
    }
}

bool WritePipeTransport::setWriteBufferLimits(qsizetype high, qsizetype low)
{
    if (high == -1 && low == -1) {
        high = DefaultHighWater;
        low = DefaultHighWater / 4;
    } else if (high == -1) {
        high = 4 * low;
    } else if (low == -1) {
        low = high / 4;
    }
    if (!(high >= low && low >= 0)) {
        setError(EINVAL, QStringLiteral("high (%1) must be >= low (%2) must be >= 0").arg(high).arg(low));
        return false;
    }
    m_high = high;
    m_low = low;
    maybePause();
    return true;
}

void WritePipeTransport::maybePause()
{
    if (m_writingPaused || m_bufferSize <= m_high)
        return;
    m_writingPaused = true;
    emitWhenConnected([this] { Q_EMIT writingPaused(); });
}

void WritePipeTransport::maybeResume()
{
    if (!m_writingPaused || m_bufferSize > m_low)
        return;
    m_writingPaused = false;
    emitWhenConnected([this] { Q_EMIT writingResumed(); });
}

void WritePipeTransport::startNotifiers()
{
    setWriteNotifierEnabled(m_bufferSize > 0);
    // asyncio's trick: a pipe's write end never becomes readable, but poll() reports POLLERR
    // on it once the last reader is gone, which fires a read notifier. Not for character
    // devices: a tty opened read-write would fire on keyboard input.
    struct stat st {};
    if (::fstat(fd(), &st) != 0)
        return;
    if (S_ISSOCK(st.st_mode))
        watchSocketHangup();
    else if (S_ISFIFO(st.st_mode))
        readNotifier()->setEnabled(true);
}

void WritePipeTransport::watchSocketHangup()
{
    // A socket also turns readable when the peer sends data, which a write transport does not
    // read (another holder of the socket may: taking it would steal their bytes), so the read
    // notifier would have to stop at the first byte and an idle writer would only learn of
    // the peer's end at its next write. An epoll set asking for no event still reports
    // EPOLLHUP and EPOLLERR: its fd becomes readable exactly when the peer has gone (AF_UNIX:
    // closed, TCP: reset), never for data and never for a half-close (the peer may still read).
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event hangupOnly {};
    if (epoll < 0 || ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd(), &hangupOnly) != 0) {
        Sys::close(epoll);
        readNotifier()->setEnabled(true); // the pipe way, which stops at the peer's first data
        return;
    }
    m_hangupWatch = epoll;
    m_hangupNotifier = new QSocketNotifier(epoll, QSocketNotifier::Read, this);
    connect(m_hangupNotifier, &QSocketNotifier::activated, this, [this] { closeWithError(EPIPE); });
}

void WritePipeTransport::stopHangupWatch()
{
    if (m_hangupNotifier)
        m_hangupNotifier->setEnabled(false); // before the close: no POLLNVAL for a stale fd
    Sys::close(m_hangupWatch);
    m_hangupWatch = -1;
}

void WritePipeTransport::onReadActivated()
{
    pollfd p { fd(), POLLOUT, 0 };
    if (::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
        closeWithError(EPIPE); // the reader went away, whether or not we had bytes to send
        return;
    }
    // Readable for another reason (a socket peer sent data, without epoll): not ours to
    // read. Stop watching rather than spin; the next write still reports EPIPE.
    readNotifier()->setEnabled(false);
}

void WritePipeTransport::setWriteNotifierEnabled(bool enabled)
{
    if (writeNotifier() && isConnected() && !isEnding())
        writeNotifier()->setEnabled(enabled);
}

} // namespace PipeScope
