#pragma once
/// \file blockingfifoopen.h
/// A blocking open() of a FIFO done on a worker thread, the way a program keeps its event
/// loop serving while the open waits for the other end (fifo(7)). The result comes back to
/// this object's thread — opened(), woken by ThreadWakeup — never touched from the worker.
///
/// Destroying it while the open still waits completes the rendezvous itself (an O_RDWR open
/// of the FIFO counts as the missing end and never blocks), joins the thread and closes the
/// fd nobody took: an abandoned lesson leaves no thread behind. Private to core/lessons.

#include "threadwakeup.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <mutex>
#include <utility>
#include <sys/types.h>
#include <thread>

namespace PipeScope {

class BlockingFifoOpen : public QObject {
    Q_OBJECT
public:
    explicit BlockingFifoOpen(QObject *parent = nullptr);
    ~BlockingFifoOpen() override;

    /// Starts the worker: open(\a path, \a flags) without O_NONBLOCK.
    void start(const QString &path, int flags);
    /// The worker's thread id (for /proc/PID/task/TID), 0 until it runs.
    pid_t threadId() const { return m_tid.load(); }
    /// After opened(): the fd, which the caller now owns (-1 once taken or on failure).
    int takeFd() { return std::exchange(m_fd, -1); }

Q_SIGNALS:
    /// The open returned \a fd (or -1 with \a error) after \a micros µs. Emitted in this
    /// object's thread; \a inOwnThread says it arrived in this object's thread (the point).
    void opened(int fd, int error, qint64 micros, bool inOwnThread);

private:
    void takeResult();
    void run(QByteArray path, int flags);

    ThreadWakeup *m_wakeup;
    std::thread m_thread;
    QString m_path;
    std::atomic<pid_t> m_tid {0};
    std::atomic<bool> m_returned {false};
    int m_fd = -1; ///< set in this object's thread by takeResult()
    /// The worker's result, handed over under m_mutex (see run()).
    std::mutex m_mutex;
    int m_workerFd = -1;
    int m_workerError = 0;
    qint64 m_workerMicros = 0;
};

} // namespace PipeScope
