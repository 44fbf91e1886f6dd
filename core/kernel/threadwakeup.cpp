#include "threadwakeup.h"

#include "sys.h"

#include <QSocketNotifier>

#include <cstdint>
#include <sys/eventfd.h>

namespace PipeScope {

ThreadWakeup::ThreadWakeup(QObject *parent)
    : QObject(parent), m_eventFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (!m_eventFd)
        return; // at the fd limit: wake() falls back to a queued call
    m_notifier = new QSocketNotifier(m_eventFd.get(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ThreadWakeup::drain);
}

ThreadWakeup::~ThreadWakeup()
{
    delete m_notifier; // before its fd closes
}

void ThreadWakeup::wake()
{
    if (!m_eventFd) {
        QMetaObject::invokeMethod(this, &ThreadWakeup::woken, Qt::QueuedConnection);
        return;
    }
    const std::uint64_t one = 1;
    // Never fails short of a counter at 2^64 - 2: EAGAIN then still leaves it readable.
    [[maybe_unused]] const ssize_t n = Sys::write(m_eventFd.get(), &one, sizeof one);
}

void ThreadWakeup::drain()
{
    std::uint64_t count = 0;
    if (Sys::read(m_eventFd.get(), &count, sizeof count) == ssize_t(sizeof count))
        Q_EMIT woken();
}

} // namespace PipeScope
