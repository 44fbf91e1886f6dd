#pragma once
/// \file threadedwriters.h
/// Two threads of this process writing the same pipe end: one fills its records with 'A',
/// the other with 'B', each record one blocking write(). Each thread reports its end with a
/// hand-over to this object's thread — writerDone(), woken by ThreadWakeup — and touches
/// nothing else of ours.
///
/// It owns both ends of the pipe. Destroying it stops the threads: it closes the read end,
/// so a write asleep on the full pipe fails with EPIPE (the threads block SIGPIPE), joins
/// them and closes the write end. Private to core/lessons.

#include "fd.h"
#include "threadwakeup.h"

#include <QObject>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace PipeScope {

class ThreadedWriters : public QObject {
    Q_OBJECT
public:
    /// Takes \a readFd and \a writeFd (a pipe; the write end blocking, as a pipeline's is).
    ThreadedWriters(int readFd, int writeFd, QObject *parent = nullptr);
    ~ThreadedWriters() override;

    /// Starts both threads: \a perWriter bytes each, in write()s of \a record bytes.
    void start(qint64 record, qint64 perWriter);
    int readFd() const { return m_read.get(); }
    /// Once both are done: our write end goes, and the reader sees EOF after the last byte.
    void closeWriteEnd() { m_write.reset(); }
    int doneCount() const { return m_done; }

Q_SIGNALS:
    /// Thread \a index ('A' is 0) wrote its last record, or failed with \a error.
    void writerDone(int index, int error);

private:
    void takeResults();
    void write(int index, qint64 record, qint64 perWriter);

    Fd m_read;
    Fd m_write;
    ThreadWakeup *m_wakeup;
    std::array<std::thread, 2> m_threads;
    std::atomic<bool> m_stop {false};
    int m_done = 0; ///< counted in this object's thread
    std::mutex m_mutex;
    std::vector<std::pair<int, int>> m_results; ///< (index, error), handed over under m_mutex
};

} // namespace PipeScope
