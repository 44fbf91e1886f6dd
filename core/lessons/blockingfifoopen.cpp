#include "blockingfifoopen.h"

#include "sys.h"

#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <fcntl.h>
#include <unistd.h>

namespace PipeScope {

BlockingFifoOpen::BlockingFifoOpen(QObject *parent) : QObject(parent) { }

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
    const qint64 micros = clock.nsecsElapsed() / 1000;
    m_workerFd = fd;
    m_returned = true;
    // The fix for every cross-thread hand-over: post the result to the object's own thread.
    QMetaObject::invokeMethod(
        this,
        [this, error, micros] {
            m_fd = std::exchange(m_workerFd, -1);
            Q_EMIT opened(m_fd, error, micros, QThread::currentThread() == thread());
        },
        Qt::QueuedConnection);
}

} // namespace PipeScope
