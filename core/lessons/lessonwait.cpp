#include "lessonwait.h"

#include <QSocketNotifier>
#include <QTimer>

namespace PipeScope {

LessonWait::LessonWait(Condition condition, int timeoutMs, Next next, QObject *parent)
    : QObject(parent), m_condition(std::move(condition)), m_next(std::move(next)),
      m_deadline(new QTimer(this))
{
    m_deadline->setSingleShot(true);
    m_deadline->setTimerType(Qt::PreciseTimer);
    connect(m_deadline, &QTimer::timeout, this, [this] { conclude(m_condition()); });
    m_deadline->start(qMax(0, timeoutMs));
    // The first check is queued: the caller adds its triggers after when() returned, and the
    // continuation must never run inside the step's own call.
    QTimer::singleShot(0, this, &LessonWait::check);
}

LessonWait::~LessonWait() = default;

LessonWait &LessonWait::recheckWhenReadable(int fd)
{
    auto *notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, &LessonWait::check);
    m_notifiers << notifier;
    return *this;
}

LessonWait &LessonWait::recheckEvery(int ms)
{
    if (!m_recheck) {
        m_recheck = new QTimer(this);
        m_recheck->setTimerType(Qt::PreciseTimer);
        connect(m_recheck, &QTimer::timeout, this, &LessonWait::check);
    }
    m_recheck->start(ms);
    return *this;
}

void LessonWait::check()
{
    if (!m_done && m_condition())
        conclude(true);
}

void LessonWait::conclude(bool met)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline->stop();
    if (m_recheck)
        m_recheck->stop();
    for (QSocketNotifier *notifier : std::as_const(m_notifiers))
        notifier->setEnabled(false); // before the step closes or hands over the fd
    const Next next = std::move(m_next);
    deleteLater();
    next(met); // may start the next wait; touches nothing of this one afterwards
}

} // namespace PipeScope
