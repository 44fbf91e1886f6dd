#include "threadedwriters.h"

#include "sys.h"

#include <QByteArray>

#include <csignal>
#include <pthread.h>

namespace PipeScope {

ThreadedWriters::ThreadedWriters(int readFd, int writeFd, QObject *parent)
    : QObject(parent), m_read(readFd), m_write(writeFd), m_wakeup(new ThreadWakeup(this))
{
    connect(m_wakeup, &ThreadWakeup::woken, this, &ThreadedWriters::takeResults);
    connect(this, &ThreadedWriters::writerDone, this, [this] { ++m_done; });
}

ThreadedWriters::~ThreadedWriters()
{
    m_stop = true;
    m_read.reset(); // a write asleep on the full pipe now fails with EPIPE
    for (std::thread &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
}

void ThreadedWriters::start(qint64 record, qint64 perWriter)
{
    for (int index = 0; index < 2; ++index)
        m_threads[size_t(index)] = std::thread(&ThreadedWriters::write, this, index, record, perWriter);
}

void ThreadedWriters::write(int index, qint64 record, qint64 perWriter)
{
    // SIGPIPE would go to this thread (the writer); blocked, EPIPE is all that comes.
    sigset_t pipeOnly;
    sigemptyset(&pipeOnly);
    sigaddset(&pipeOnly, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeOnly, nullptr);
    const QByteArray data(record, index == 0 ? 'A' : 'B');
    const int fd = m_write.get(); // closed only after both threads reported
    int error = 0;
    for (qint64 sent = 0; sent < perWriter && !m_stop;) {
        const ssize_t n = Sys::write(fd, data.constData(), size_t(record));
        if (n < 0) {
            error = errno;
            break;
        }
        sent += n;
    }
    // Handed over under our lock; this object's thread picks it up (see ThreadWakeup).
    {
        const std::lock_guard lock(m_mutex);
        m_results.emplace_back(index, error);
    }
    m_wakeup->wake();
}

void ThreadedWriters::takeResults()
{
    std::vector<std::pair<int, int>> results;
    {
        const std::lock_guard lock(m_mutex);
        results.swap(m_results);
    }
    for (const auto &[index, error] : results)
        Q_EMIT writerDone(index, error);
}

} // namespace PipeScope
