#include "blockingfifoopen.h"

#include "sys.h"

#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <fcntl.h>
#include <unistd.h>

namespace PipeScope {

BlockingFifoOpen::BlockingFifoOpen(QObject *parent) : QObject(parent), m_wakeup(new ThreadWakeup(this))
{
    connect(m_wakeup, &ThreadWakeup::woken, this, &BlockingFifoOpen::takeResult);
}

BlockingFifoOpen::~BlockingFifoOpen()
{
    if (m_thread.joinable()) {
        // Still asleep in open() (or about to call it): an O_RDWR open is a reader and a
        // writer at once, never waits (Linux), and completes the worker's rendezvous.
        int partner = -1;
        if (!m_returned.load())
            partner = Sys::open(QFile::encodeName(m_path).constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        m_thread.join();
        Sys::close(partner);
    }
    Sys::close(m_workerFd);
    Sys::close(m_fd);
}

void BlockingFifoOpen::start(const QString &path, int flags)
{
    m_path = path;
    m_thread = std::thread(&BlockingFifoOpen::run, this, QFile::encodeName(path), flags);
}

void BlockingFifoOpen::run(QByteArray path, int flags)
{
    m_tid = ::gettid();
    QElapsedTimer clock;
    clock.start();
    const int fd = Sys::open(path.constData(), flags | O_CLOEXEC);
    const int error = fd < 0 ? errno : 0;
    const std::lock_guard lock(m_mutex);
    m_workerFd = fd;
    m_workerError = error;
    m_workerMicros = clock.nsecsElapsed() / 1000;
    m_returned = true;
    // The fix for every cross-thread hand-over: give the result to the object's own thread
    // and let its event loop pick it up (ThreadWakeup says why not a queued call from here).
    m_wakeup->wake();
}

void BlockingFifoOpen::takeResult()
{
    int error = 0;
    qint64 micros = 0;
    {
        const std::lock_guard lock(m_mutex);
        m_fd = std::exchange(m_workerFd, -1);
        error = m_workerError;
        micros = m_workerMicros;
    }
    Q_EMIT opened(m_fd, error, micros, QThread::currentThread() == thread());
}

} // namespace PipeScope
