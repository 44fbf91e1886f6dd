#pragma once
/// \file lessoncontext.h
/// Everything one run of a lesson owns: its pipes, FIFOs, transports and child processes.
/// Destroying the context kills and reaps every child it started and closes every fd, so a
/// lesson cannot leak a process or a pipe end even when a step fails half-way.
///
/// Steps never block and never nest an event loop. A step that must wait (for a transport
/// signal, a child, the kernel) asks to continue later — when(condition, timeout, next) or
/// after(ms, next) — and returns; the one event loop (the GUI's, the CLI's, a test's) runs
/// the continuation. Waits are the context's children: cleanup() drops them first, so a
/// lesson abandoned mid-step (another lesson chosen, the window closed, Ctrl+C) runs no more
/// of its code, and then its children are killed and reaped and its fds closed.
///
/// The pipes a lesson makes or adopts here, and every pipe its children hold, are the lesson's
/// pipes: scanPipes() shows them as the System explorer sees them (holders, their states, fill
/// levels, diagnostics), which is how the GUI shows a lesson live while it runs.

#include "lessonprocess.h"
#include "lessonwait.h"
#include "monitorscope.h"
#include "pipeopeners.h"
#include "systemsnapshot.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <any>
#include <functional>
#include <memory>
#include <optional>

class QTemporaryDir;

namespace PipeScope {

class ChildProcess;

class LessonContext : public QObject {
    Q_OBJECT
public:
    /// Ignores SIGPIPE if its disposition is still SIG_DFL, as the transports do, so a step
    /// that writes to a pipe without a reader sees EPIPE instead of killing this process.
    explicit LessonContext(QObject *parent = nullptr);
    /// cleanup().
    ~LessonContext() override;

    /// How often a wait re-reads /proc for a fact no fd or signal announces (a process
    /// asleep in the kernel).
    static constexpr int ProcPollMs = 5;

    /// Continues with \a next(true) once \a condition holds, or with next(false) when
    /// \a timeoutMs passed first. Add triggers to the returned wait (a signal, a readable fd,
    /// recheckEvery(ProcPollMs)); the condition is also checked at the next loop turn.
    LessonWait &when(LessonWait::Condition condition, int timeoutMs, LessonWait::Next next);
    /// Continues with \a next after \a ms milliseconds of event loop.
    void after(int ms, std::function<void()> next);
    /// when() \a process has exited and is reaped (checked on its finished()).
    LessonWait &whenExited(LessonProcess *process, int timeoutMs, LessonWait::Next next);

    /// A new anonymous pipe (O_CLOEXEC, plus \a flags such as O_NONBLOCK) whose fds the
    /// context owns until closeFd() or cleanup(). nullopt and *error on failure.
    std::optional<PipeFds> makePipe(Error *error, int flags = 0);
    /// The context closes \a fd at cleanup unless closeFd() closed it first. A pipe or FIFO
    /// adopted here becomes one of the lesson's pipes (see scanPipes()).
    int adoptFd(int fd);
    /// The FIFO at \a path becomes one of the lesson's pipes (see scanPipes()) before anyone
    /// holds it, e.g. while one of this process's threads is blocked opening it.
    void noteFifo(const QString &path);
    /// Closes an fd the context owns (or any fd, if not owned); sets \a fd to -1.
    void closeFd(int &fd);
    /// Hands an owned fd over to someone else (a transport): the context forgets it.
    int releaseFd(int fd);

    /// Starts a child with exactly the fds in \a spec; the context kills and reaps it at
    /// cleanup. nullptr and *error on failure.
    LessonProcess *spawn(const LessonProcess::Spec &spec, Error *error);
    /// A ChildProcess (stdin/stdout pipes) owned by the context, started with \a program.
    ChildProcess *startChild(const QString &program, const QStringList &arguments, Error *error);
    /// Pids of every child started so far (also those already reaped).
    QList<qint64> startedPids() const { return m_pids; }
    /// Pids of the children not reaped yet (running, or exited and still a zombie): their
    /// pids cannot have been reused by another process.
    QList<qint64> unreapedPids() const;

    /// Every pipe made by makePipe() or adopted by adoptFd() so far, also after it closed.
    QList<PipeKey> pipeKeys() const { return m_pipeKeys; }
    /// The lesson's pipes right now, scanned from \a procRoot like the System page does: the
    /// pipes in pipeKeys() (startChild()'s stdin and stdout pipes included) and those only the
    /// unreaped children hold (a pipeline inside `sh -c`), but not a pipe this process got
    /// from its host (its stderr, which children inherit); their holders among this process
    /// and the children, states, fill levels (read-only probes of existing read ends) and
    /// PipeDiagnostics. Other processes are not scanned, so a pipe shared with one outside the
    /// lesson shows only the lesson's holders.
    SystemSnapshot scanPipes(const QString &procRoot = QStringLiteral("/proc")) const;
    /// The scope scanPipes() scans, for a SystemMonitor that follows the lesson live: this
    /// process as the host, the unreaped children, and pipeKeys() kept.
    MonitorScope monitorScope() const;

    /// How the explorer (scanPipes()) lists \a pid's pending open of the FIFO at \a path:
    /// "opening FIFO /tmp/x/lesson.fifo for reading", with " (thread TID)" when a thread
    /// other than the main one waits; empty when it does not list it.
    QString fifoOpenerText(qint64 pid, const QString &path) const;

    /// A private directory for FIFOs and files, removed at cleanup; empty on failure.
    QString tempDir();

    /// Lesson-specific state shared by the steps of one run, created on first use and
    /// destroyed at cleanup(). A lesson uses one state type (a struct of its pipes,
    /// transports, children); asking for another type replaces the state.
    template<typename T> T &state()
    {
        if (auto *existing = std::any_cast<std::shared_ptr<T>>(&m_state))
            return **existing;
        auto created = std::make_shared<T>();
        m_state = created;
        return *created;
    }

    /// Drops every pending wait (its continuation never runs), deletes the context's QObject
    /// children (timers, notifiers; child processes are killed and reaped), then destroys the
    /// state (transports), closes the fds and removes the temp directory. Idempotent.
    void cleanup();

private:
    void notePipe(int fd);

    QList<int> m_fds;
    QList<PipeKey> m_pipeKeys;
    QList<QPointer<QObject>> m_children;
    QList<qint64> m_pids;
    std::any m_state;
    std::unique_ptr<QTemporaryDir> m_tempDir;
};

} // namespace PipeScope
