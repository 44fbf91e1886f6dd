#pragma once
/// \file transporttesting.h
/// Header-only tools for the transport tests: a recorder that keeps every signal of a
/// transport in order (so a test asserts whole sequences and the lifecycle rules of
/// docs/transport-contract.md: made first and once, lost once and last, nothing after it), a capture of
/// logged warnings, and a reader thread that drains a pipe at a chosen pace.

#include "testsupport.h"

#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace PipeScope::Test {

/// Records the signals of one transport, in emission order. Connected before any handler a
/// test adds, so an event is recorded before the test's handler for it runs.
class TransportRecorder : public QObject
{
public:
    explicit TransportRecorder(ReadPipeTransport *t) : m_transport(t)
    {
        connectCommon(t);
        connect(t, &ReadPipeTransport::dataReceived, this, [this](const QByteArray &chunk) {
            add(QStringLiteral("data"));
            if (keepData) {
                data += chunk;
                chunkSizes.append(chunk.size());
            }
        });
        connect(t, &ReadPipeTransport::eofReceived, this, [this] { add(QStringLiteral("eof")); });
        connect(t, &ReadPipeTransport::readingPaused, this,
                [this] { add(QStringLiteral("pauseR")); });
        connect(t, &ReadPipeTransport::readingResumed, this,
                [this] { add(QStringLiteral("resumeR")); });
    }

    explicit TransportRecorder(WritePipeTransport *t) : m_transport(t)
    {
        connectCommon(t);
        connect(t, &WritePipeTransport::writingPaused, this, [this, t] {
            add(QStringLiteral("pauseW"));
            pauseSizes.append(t->writeBufferSize());
        });
        connect(t, &WritePipeTransport::writingResumed, this, [this, t] {
            add(QStringLiteral("resumeW"));
            resumeSizes.append(t->writeBufferSize());
        });
    }

    /// False: dataReceived is recorded as an event only (for very long streams).
    bool keepData = true;
    /// Every signal in order: made, data, eof, pauseR, resumeR, pauseW, resumeW, lost(errno).
    QStringList events;
    QByteArray data;
    QList<qsizetype> chunkSizes;
    /// writeBufferSize() when writingPaused / writingResumed arrived.
    QList<qsizetype> pauseSizes;
    QList<qsizetype> resumeSizes;
    /// The fd number seen at connectionMade.
    int madeFd = -1;
    /// errno of connectionLost, -1 until it came.
    int lostError = -1;
    /// Inside the connectionLost handler: fd() was -1 / the fd number seen at made was closed.
    bool fdMinusOneAtLost = false;
    bool madeFdClosedAtLost = false;

    bool isMade() const { return events.contains(QStringLiteral("made")); }
    bool isLost() const { return lostError != -1; }
    int count(const QString &event) const { return int(events.count(event)); }
    /// events with runs of "data" merged into one "data", for sequence comparisons.
    QStringList sequence() const
    {
        QStringList merged;
        for (const QString &e : events) {
            if (e == QLatin1String("data") && !merged.isEmpty() && merged.last() == e)
                continue;
            merged.append(e);
        }
        return merged;
    }
    /// Empty if the lifecycle rules hold so far, else what is wrong. When \a requireLost,
    /// connectionLost must have come.
    QString lifecycleProblem(bool requireLost = true) const
    {
        const QString all = events.join(u',');
        if (!events.isEmpty() && events.first() != QLatin1String("made"))
            return QStringLiteral("first signal is not made: ") + all;
        if (count(QStringLiteral("made")) > 1)
            return QStringLiteral("made more than once: ") + all;
        int lost = 0;
        for (const QString &e : events)
            lost += e.startsWith(QLatin1String("lost(")) ? 1 : 0;
        if (lost > 1)
            return QStringLiteral("lost more than once: ") + all;
        if (lost == 1 && !events.last().startsWith(QLatin1String("lost(")))
            return QStringLiteral("signal after lost: ") + all;
        if (requireLost && lost == 0)
            return QStringLiteral("no lost: ") + all;
        if (lost == 1 && !fdMinusOneAtLost)
            return QStringLiteral("fd() was not -1 inside connectionLost");
        return {};
    }

private:
    void connectCommon(PipeTransport *t)
    {
        connect(t, &PipeTransport::connectionMade, this, [this, t] {
            madeFd = t->fd();
            add(QStringLiteral("made"));
        });
        connect(t, &PipeTransport::connectionLost, this, [this, t](int error) {
            fdMinusOneAtLost = t->fd() == -1;
            madeFdClosedAtLost = madeFd >= 0 && isClosedFd(madeFd);
            lostError = error;
            add(QStringLiteral("lost(%1)").arg(error));
        });
    }
    void add(const QString &event) { events.append(event); }

    QPointer<PipeTransport> m_transport;
};

/// Captures warnings and critical messages logged while it lives (and still forwards them
/// to the previous handler, so they show in the test log).
class MessageCapture
{
public:
    MessageCapture() : m_previous(qInstallMessageHandler(&MessageCapture::handle))
    {
        current() = this;
    }
    ~MessageCapture()
    {
        current() = nullptr;
        qInstallMessageHandler(m_previous);
    }
    MessageCapture(const MessageCapture &) = delete;
    MessageCapture &operator=(const MessageCapture &) = delete;

    QStringList warnings() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_warnings;
    }

private:
    static MessageCapture *&current()
    {
        static MessageCapture *instance = nullptr;
        return instance;
    }
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &msg)
    {
        MessageCapture *self = current();
        if (!self)
            return;
        if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
            std::lock_guard<std::mutex> lock(self->m_mutex);
            self->m_warnings.append(msg);
        }
        if (self->m_previous)
            self->m_previous(type, context, msg);
    }

    QtMessageHandler m_previous;
    mutable std::mutex m_mutex;
    QStringList m_warnings;
};

/// Reads a pipe in a thread, \a chunk bytes at a time with \a pause between reads, until EOF
/// or an error. Owns and closes the fd. The destructor stops and joins the thread.
class ThreadReader
{
public:
    ThreadReader(int fd, qsizetype chunk, std::chrono::microseconds pause)
        : m_fd(fd), m_chunk(chunk), m_pause(pause), m_thread([this] { run(); })
    {
    }
    ~ThreadReader()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    ThreadReader(const ThreadReader &) = delete;
    ThreadReader &operator=(const ThreadReader &) = delete;

    bool atEof() const { return m_eof; }
    int readError() const { return m_error; }
    qint64 received() const { return m_received; }
    /// The bytes read so far (copy).
    QByteArray data() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_data;
    }

private:
    void run()
    {
        QByteArray buffer(m_chunk, Qt::Uninitialized);
        while (!m_stop) {
            pollfd p { m_fd, POLLIN, 0 };
            if (::poll(&p, 1, 20) <= 0)
                continue;
            const ssize_t n = ::read(m_fd, buffer.data(), size_t(m_chunk));
            if (n == 0) {
                m_eof = true;
                return;
            }
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    continue;
                m_error = errno;
                return;
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_data.append(buffer.constData(), n);
            }
            m_received += n;
            if (m_pause.count() > 0)
                std::this_thread::sleep_for(m_pause);
        }
    }

    int m_fd;
    qsizetype m_chunk;
    std::chrono::microseconds m_pause;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_eof { false };
    std::atomic<int> m_error { 0 };
    std::atomic<qint64> m_received { 0 };
    mutable std::mutex m_mutex;
    QByteArray m_data;
    std::thread m_thread;
};

} // namespace PipeScope::Test
