#pragma once
/// \file threadwakeup.h
/// Wakes an object's thread from a worker thread without calling into Qt on the worker: the
/// worker writes to an eventfd, the owner's event loop watches it with a QSocketNotifier and
/// emits woken(). What the worker hands over it puts under a mutex of the caller's first.
///
/// Why not a queued QMetaObject::invokeMethod from the worker: Qt's event queue is ordered by
/// futexes inside libQt6Core, which ThreadSanitizer cannot see (Debian's Qt is not built with
/// it), so a correct hand-over still gets reported, now and then. A write() to an eventfd and
/// the read() that drains it are an ordering TSan knows. The one way threads in the tree hand
/// work back to an event loop (SystemMonitor's worker, the lessons' threads); not installed.

#include "fd.h"

#include <QObject>

class QSocketNotifier;

namespace PipeScope {

class ThreadWakeup : public QObject
{
    Q_OBJECT
public:
    explicit ThreadWakeup(QObject *parent = nullptr);
    ~ThreadWakeup() override;
    /// From any thread: woken() follows in this object's thread (several wake() calls before
    /// it runs may give one woken()).
    void wake();

Q_SIGNALS:
    void woken();

private:
    void drain();

    Fd m_eventFd;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace PipeScope
