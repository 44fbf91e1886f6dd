#pragma once
/// \file pipelinemeter.h
/// Meters a whole shell pipeline live: rates, totals, fill levels and the bottleneck with its
/// cause, for a pipeline it launches (run()) or one already running (attach()).
///
/// Observation is passive and costs the pipeline under 1 % at 50 Hz: per stage, kept-open
/// /proc/PID/{stat,wchan,io,schedstat} read with pread at offset 0; per pipe, a read end reopened
/// through /proc/PID/fd/N with O_RDONLY|O_NONBLOCK for FIONREAD and F_GETPIPE_SZ and closed at
/// once (a held read end would hide EPIPE from the writer). Nothing is ptraced, no byte is
/// taken or delayed. Rates come from the endpoint whose only I/O is the pipe, over >= 1 s.
///
/// Launched stages stay in the caller's process group, as a non-interactive shell leaves them:
/// a terminal's Ctrl-C reaches them too, and a stage reading the terminal is not stopped by
/// SIGTTIN. Each is waited for with waitid(WEXITED|WNOWAIT) so its final /proc/PID/io is read
/// from the zombie (exact totals) before it is reaped.
///
/// Example:
/// \code
///   PipeScope::PipelineMeter meter;
///   QObject::connect(&meter, &PipelineMeter::sampled, [](const MeterSnapshot &s) { ... });
///   QObject::connect(&meter, &PipelineMeter::finished, [](const MeterSummary &s) { ... });
///   if (!meter.run(QStringLiteral("yes | head -c 1G | gzip -9 | cat > /dev/null")))
///       qWarning() << meter.errorString();
/// \endcode

#include "error.h"
#include "pipescopeexport.h"
#include "metersnapshot.h"
#include "metersummary.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QSocketNotifier;

namespace PipeScope {

class MeterSession;

class PIPESCOPE_CORE_EXPORT PipelineMeter : public QObject
{
    Q_OBJECT
public:
    enum class Error {
        NoError,
        EmptyPipeline,   ///< run(): empty pipeline or empty stage (see errorString)
        SpawnFailed,     ///< run(): pipe2/posix_spawn failed
        AlreadyActive,   ///< run()/attach() while metering
        NoSuchProcess,   ///< attach(): the PID does not exist
        NotAPipeline,    ///< attach(): the PID is not linked to any other process by a pipe
        AccessDenied     ///< attach(): /proc/PID/fd of the PID is not readable
    };
    Q_ENUM(Error)

    static constexpr int MinimumIntervalMs = 20;
    static constexpr int DefaultIntervalMs = 100;
    static constexpr int MaximumIntervalMs = 1000;

    explicit PipelineMeter(QObject *parent = nullptr);
    /// Detaches from an attached pipeline; a launched one still running is killed (SIGTERM,
    /// then SIGKILL) and reaped without emitting.
    ~PipelineMeter() override;

    /// Sampling period, clamped to 20..1000 ms (50..1 Hz; 100 ms by default). Rates and the
    /// bottleneck use windows of >= 1 s whatever the period. Takes effect at the next tick.
    void setInterval(int milliseconds);
    int interval() const;
    /// Whether first-stage stdin / last-stage stdout are PipeScope's own (true, the default) or
    /// /dev/null. Set before run().
    void setInheritStdio(bool inherit);

    /// Splits \a pipeline at unquoted `|` and starts every stage through /bin/sh -c (exec'd
    /// when it is a simple command, so the PID is the program's). false and error() when the
    /// text is empty or a stage could not be started; nothing is left running then.
    bool run(const QString &pipeline);
    /// Finds the pipeline \a pid belongs to (any stage, or the shell that started it) through
    /// the pipes on fds 0 and 1 (2 when it is the same pipe as 1), among processes with the
    /// same parent. Stages of another user are kept with StageFlag::NoAccess (state and CPU
    /// only). false and error() when there is none.
    bool attach(qint64 pid);
    /// Ends metering: a launched pipeline gets SIGTERM (SIGKILL 1 s later if needed) and is
    /// reaped; an attached one is left alone. finished() follows (queued) with
    /// interrupted = true. Nothing happens when not active.
    void stop();

    bool isActive() const;
    bool isLaunched() const;
    /// Stage descriptions known since run()/attach() (pids and commands, no counters).
    QList<StageSample> stages() const;
    /// The latest sample (empty before the first tick).
    MeterSnapshot lastSnapshot() const;
    /// The run so far (what finished() delivers at the end).
    MeterSummary summary() const;

    /// Sends \a signal (SIGSTOP, SIGCONT...) to every process of stage \a index that the meter
    /// still knows as alive. false and errorString() if the stage is gone or kill() failed.
    bool signalStage(int index, int signal);

    Error error() const;
    QString errorString() const;

Q_SIGNALS:
    /// Once per tick, after every stage and pipe was read.
    void sampled(const PipeScope::MeterSnapshot &snapshot);
    /// Once, when the last stage ended (launched: after all were reaped) or after stop().
    void finished(const PipeScope::MeterSummary &summary);
    /// A failure after start (e.g. reaping failed); start failures return false instead.
    void errorOccurred(PipeScope::PipelineMeter::Error error, const QString &message);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void tick();
    bool fail(Error error, const PipeScope::Error &failure);
    bool start(std::unique_ptr<MeterSession> session);
    void finish();
    void watchExits();

    std::unique_ptr<MeterSession> m_session;
    std::vector<std::unique_ptr<QSocketNotifier>> m_exitNotifiers;
    QElapsedTimer m_clock;
    QBasicTimer m_timer;
    MeterSnapshot m_lastSnapshot;
    MeterSummary m_summary;
    int m_intervalMs = DefaultIntervalMs;
    bool m_inheritStdio = true;
    Error m_error = Error::NoError;
    PipeScope::Error m_failure; ///< what errorString() says (this class's Error is the enum above)
};

} // namespace PipeScope

Q_DECLARE_METATYPE(PipeScope::MeterSnapshot)
Q_DECLARE_METATYPE(PipeScope::MeterSummary)
