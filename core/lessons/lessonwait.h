#pragma once
/// \file lessonwait.h
/// One wait of a running lesson step: "when the condition holds, or the deadline passes,
/// continue with the next part". Made by LessonContext::when(), owned by the context.
///
/// The condition is checked at the next turn of the event loop (so triggers can be added
/// right after when() returns), then each time a trigger fires: a signal (a transport's
/// eofReceived, a child's finished), a readable fd (a QSocketNotifier), or a timer for the
/// facts only /proc tells (a process asleep in the kernel: no fd or signal announces that).
/// At the deadline it is checked one last time and the continuation gets its value. The
/// continuation runs exactly once, from the event loop, never inside when(); a wait
/// destroyed first (the lesson was abandoned: LessonContext::cleanup()) never runs it.

#include <QObject>

#include <functional>

class QSocketNotifier;
class QTimer;

namespace PipeScope {

class LessonWait : public QObject {
    Q_OBJECT
public:
    using Condition = std::function<bool()>;
    /// Called with the condition's last value: true if it held before the deadline.
    using Next = std::function<void(bool met)>;

    LessonWait(Condition condition, int timeoutMs, Next next, QObject *parent);
    ~LessonWait() override;

    /// Checks the condition again whenever \a sender emits \a signal (its arguments unused).
    template<typename Sender, typename Signal>
    LessonWait &recheckOn(const Sender *sender, Signal signal)
    {
        QObject::connect(sender, signal, this, &LessonWait::check);
        return *this;
    }
    /// Checks it whenever \a fd is readable. The condition must consume what made the fd
    /// readable (drain it), or the fd stays readable and the check runs at every loop turn.
    LessonWait &recheckWhenReadable(int fd);
    /// Checks it every \a ms milliseconds: for a fact only /proc tells.
    LessonWait &recheckEvery(int ms);

    bool isDone() const { return m_done; }

private:
    void check();
    void conclude(bool met);

    Condition m_condition;
    Next m_next;
    QTimer *m_deadline;
    QTimer *m_recheck = nullptr;
    QList<QSocketNotifier *> m_notifiers;
    bool m_done = false;
};

} // namespace PipeScope
