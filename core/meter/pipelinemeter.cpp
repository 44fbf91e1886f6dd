#include "pipelinemeter.h"

#include "metersession.h"
#include "pipelinesplitter.h"

#include <QSocketNotifier>
#include <QTimerEvent>

namespace PipeScope {

PipelineMeter::PipelineMeter(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<PipeScope::MeterSnapshot>();
    qRegisterMetaType<PipeScope::MeterSummary>();
}

PipelineMeter::~PipelineMeter() = default; // the session's launcher kills and reaps what is left

void PipelineMeter::setInterval(int milliseconds)
{
    m_intervalMs = std::clamp(milliseconds, MinimumIntervalMs, MaximumIntervalMs);
    if (m_timer.isActive())
        m_timer.start(m_intervalMs, Qt::PreciseTimer, this);
}

int PipelineMeter::interval() const
{
    return m_intervalMs;
}

void PipelineMeter::setInheritStdio(bool inherit)
{
    m_inheritStdio = inherit;
}

bool PipelineMeter::fail(Error error, const PipeScope::Error &failure)
{
    m_error = error;
    m_failure = failure;
    return false;
}

bool PipelineMeter::run(const QString &pipeline)
{
    if (isActive())
        return fail(Error::AlreadyActive, PipeScope::Error(QStringLiteral("a pipeline is being metered already")));
    const SplitPipeline split = PipelineSplitter::split(pipeline);
    if (!split.ok())
        return fail(Error::EmptyPipeline, split.error);
    PipeScope::Error error;
    std::unique_ptr<MeterSession> session = MeterSession::launch(split.stages, m_inheritStdio, &error);
    if (!session)
        return fail(Error::SpawnFailed, error);
    return start(std::move(session));
}

bool PipelineMeter::attach(qint64 pid)
{
    if (isActive())
        return fail(Error::AlreadyActive, PipeScope::Error(QStringLiteral("a pipeline is being metered already")));
    PipelineDiscovery::Failure failure = PipelineDiscovery::Failure::None;
    PipeScope::Error error;
    const std::optional<DiscoveredPipeline> pipeline = PipelineDiscovery::find(pid, &failure, &error);
    if (!pipeline) {
        return fail(failure == PipelineDiscovery::Failure::NoSuchProcess ? Error::NoSuchProcess
                    : failure == PipelineDiscovery::Failure::AccessDenied ? Error::AccessDenied
                                                                          : Error::NotAPipeline,
                    error);
    }
    std::unique_ptr<MeterSession> session = MeterSession::attach(*pipeline, &error);
    if (!session)
        return fail(Error::AccessDenied, error);
    return start(std::move(session));
}

bool PipelineMeter::start(std::unique_ptr<MeterSession> session)
{
    m_session = std::move(session);
    m_error = Error::NoError;
    m_failure = PipeScope::Error();
    m_lastSnapshot = {};
    m_summary = m_session->summary();
    m_clock.start();
    m_timer.start(m_intervalMs, Qt::PreciseTimer, this);
    watchExits();
    // The first sample at t = 0 (a pipeline that ends in a millisecond still has one), queued:
    // no signal is emitted inside run() or attach().
    QMetaObject::invokeMethod(this, &PipelineMeter::tick, Qt::QueuedConnection);
    return true;
}

void PipelineMeter::watchExits()
{
    // A launched stage's exit is seen at once, not at the next tick: the last stage's end is
    // the pipeline's end, and waiting up to a period for it would keep a `run` (and whoever
    // waits on it) alive that long for nothing -- at 10 Hz up to 100 ms per pipeline.
    for (const int fd : m_session->exitNotifyFds()) {
        if (fd < 0)
            continue;
        auto notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        QSocketNotifier *raw = notifier.get();
        connect(raw, &QSocketNotifier::activated, this, [this, raw] {
            raw->setEnabled(false); // a pidfd stays readable after its exit
            QMetaObject::invokeMethod(this, &PipelineMeter::tick, Qt::QueuedConnection);
        });
        m_exitNotifiers.push_back(std::move(notifier));
    }
}

void PipelineMeter::stop()
{
    if (!m_session)
        return;
    m_session->terminate(double(m_clock.nsecsElapsed()) / 1e9);
    if (!m_session->isLaunched())
        QMetaObject::invokeMethod(this, [this] { finish(); }, Qt::QueuedConnection);
}

void PipelineMeter::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_timer.timerId())
        tick();
    else
        QObject::timerEvent(event);
}

void PipelineMeter::tick()
{
    if (!m_session)
        return;
    m_lastSnapshot = m_session->tick(double(m_clock.nsecsElapsed()) / 1e9);
    Q_EMIT sampled(m_lastSnapshot);
    if (m_session && m_session->isFinished())
        finish();
}

void PipelineMeter::finish()
{
    if (!m_session)
        return;
    m_timer.stop();
    m_summary = m_session->summary();
    m_exitNotifiers.clear(); // before the session closes their pidfds
    m_session.reset();
    Q_EMIT finished(m_summary);
}

bool PipelineMeter::isActive() const
{
    return m_session != nullptr;
}

bool PipelineMeter::isLaunched() const
{
    return m_session && m_session->isLaunched();
}

QList<StageSample> PipelineMeter::stages() const
{
    return m_session ? m_session->stageList() : m_lastSnapshot.stages;
}

MeterSnapshot PipelineMeter::lastSnapshot() const
{
    return m_lastSnapshot;
}

MeterSummary PipelineMeter::summary() const
{
    // Built when asked, not per tick: a summary copies every stage and pipe.
    return m_session ? m_session->summary() : m_summary;
}

bool PipelineMeter::signalStage(int index, int signal)
{
    PipeScope::Error error;
    if (!m_session || !m_session->signalStage(index, signal, &error)) {
        m_failure = m_session ? error : PipeScope::Error(QStringLiteral("no pipeline is being metered"));
        return false;
    }
    return true;
}

PipelineMeter::Error PipelineMeter::error() const
{
    return m_error;
}

QString PipelineMeter::errorString() const
{
    return m_failure.message();
}

} // namespace PipeScope
