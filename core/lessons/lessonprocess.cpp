#include "lessonprocess.h"

#include "fd.h"
#include "sys.h"

#include <QFile>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

#include <vector>

extern char **environ;

namespace PipeScope {

namespace {

/// posix_spawn attributes and file actions, released in one place.
class SpawnSetup {
public:
    SpawnSetup()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup &) = delete;
    SpawnSetup &operator=(const SpawnSetup &) = delete;

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
};

bool isMapped(const QList<QPair<int, int>> &fds, int childFd)
{
    for (const auto &pair : fds) {
        if (pair.second == childFd)
            return true;
    }
    return false;
}

} // namespace

ProcessActivity ProcessActivity::of(pid_t pid)
{
    // The explorer's reading of stat (from the last ')': a name may hold ") "), wchan and,
    // where the direction is unclear, syscall.
    const ProcessState process
        = ProcessState::read(pid, QStringLiteral("/proc"), ProcessState::Files::Waits);
    ProcessActivity activity;
    activity.state = process.state();
    activity.wchan = process.wchan();
    return activity;
}

bool ProcessActivity::isBlockedWriting() const
{
    // The explorer's table of kernel names; pipe_wait (old kernels) may be either direction.
    const WaitKind kind = ProcParsers::classifyWchan(wchan);
    return isAsleep() && (kind == WaitKind::PipeWrite || kind == WaitKind::PipeEither);
}

bool ProcessActivity::isWaitingForPartner() const
{
    return isAsleep() && ProcParsers::classifyWchan(wchan) == WaitKind::FifoOpen;
}

bool ProcessActivity::isBlockedReading() const
{
    const WaitKind kind = ProcParsers::classifyWchan(wchan);
    return isAsleep() && (kind == WaitKind::PipeRead || kind == WaitKind::PipeEither);
}

QString ProcessActivity::text() const
{
    if (state == 0)
        return QStringLiteral("state unknown (process gone or /proc unreadable)");
    return QStringLiteral("state %1, wchan %2")
        .arg(QChar::fromLatin1(state), wchan.isEmpty() ? QStringLiteral("(none)") : wchan);
}

LessonProcess::LessonProcess(QObject *parent) : QObject(parent) { }

LessonProcess::~LessonProcess()
{
    kill();
    Sys::close(m_pidfd);
}

bool LessonProcess::start(const Spec &spec, Error *error)
{
    m_program = spec.program;
    const QString path = QStandardPaths::findExecutable(spec.program);
    if (path.isEmpty()) {
        *error = Error(QStringLiteral("cannot run %1: not found in PATH").arg(spec.program));
        return false;
    }
    QList<QByteArray> argv {QFile::encodeName(spec.program)};
    for (const QString &argument : spec.arguments)
        argv << argument.toLocal8Bit();
    std::vector<char *> args;
    for (const QByteArray &arg : argv)
        args.push_back(const_cast<char *>(arg.constData()));
    args.push_back(nullptr);

    SpawnSetup setup;
    // Copy through fds above every source and target first, so a mapping a→b, b→a cannot
    // overwrite a source before it is copied.
    int scratch = 3;
    for (const auto &pair : spec.fds)
        scratch = qMax(scratch, qMax(pair.first, pair.second) + 1);
    for (int i = 0; i < spec.fds.size(); ++i)
        posix_spawn_file_actions_adddup2(&setup.actions, spec.fds[i].first, scratch + i);
    for (int i = 0; i < spec.fds.size(); ++i) {
        posix_spawn_file_actions_adddup2(&setup.actions, scratch + i, spec.fds[i].second);
        posix_spawn_file_actions_addclose(&setup.actions, scratch + i);
    }
    // Only the mapped fds (and stderr): an fd leaked to us without O_CLOEXEC by whoever
    // started PipeScope must not turn up in a lesson's child, e.g. as a second write end.
    int highest = STDERR_FILENO;
    for (const auto &pair : spec.fds)
        highest = qMax(highest, pair.second);
    for (int childFd = STDERR_FILENO + 1; childFd < highest; ++childFd) {
        if (!isMapped(spec.fds, childFd))
            posix_spawn_file_actions_addclose(&setup.actions, childFd);
    }
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, highest + 1);
    // Unmapped stdin/stdout would be whatever the lesson's host has (a terminal, ctest's pipe).
    for (int childFd : {STDIN_FILENO, STDOUT_FILENO}) {
        if (!isMapped(spec.fds, childFd))
            posix_spawn_file_actions_addopen(&setup.actions, childFd, "/dev/null", O_RDWR, 0);
    }
    const QByteArray directory = QFile::encodeName(spec.workingDirectory);
    if (!directory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&setup.actions, directory.constData());
    if (spec.defaultSigpipe) {
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
        posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF);
    }
    const QByteArray file = QFile::encodeName(path);
    const int rc = ::posix_spawn(&m_pid, file.constData(), &setup.actions, &setup.attributes,
                                 args.data(), environ);
    if (rc != 0) {
        *error = Error::fromErrno(rc, QStringLiteral("cannot run ") + spec.program);
        m_pid = -1;
        return false;
    }
    m_running = true;
    watchExit();
    return true;
}

void LessonProcess::watchExit()
{
    m_pidfd = Sys::pidfdOpen(m_pid);
    if (m_pidfd >= 0) {
        // Readable once the process has exited (pidfd_open(2)): reap it then.
        m_exitNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, [this] { isRunning(); });
        return;
    }
    // No pidfd (Linux before 5.3): look again every 50 ms.
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, [this, timer] {
        if (!isRunning())
            timer->stop();
    });
    timer->start(50);
}

bool LessonProcess::isRunning()
{
    if (!m_running)
        return false;
    int status = 0;
    const pid_t rc = Sys::retryOnEintr([&] { return ::waitpid(m_pid, &status, WNOHANG); });
    if (rc == m_pid)
        noteStatus(status);
    else if (rc < 0)
        m_running = false; // not our child any more: nothing left to reap
    return m_running;
}

void LessonProcess::noteStatus(int status)
{
    m_running = false;
    if (m_exitNotifier)
        m_exitNotifier->setEnabled(false); // a reaped pidfd stays readable
    // Queued: isRunning() is called from inside waits' conditions, which must not re-enter.
    QMetaObject::invokeMethod(this, &LessonProcess::finished, Qt::QueuedConnection);
    if (WIFSIGNALED(status))
        m_exitSignal = WTERMSIG(status);
    else
        m_exitCode = WEXITSTATUS(status);
}

QString LessonProcess::statusText()
{
    if (m_pid < 0)
        return QStringLiteral("not started");
    if (isRunning())
        return QStringLiteral("running");
    if (m_exitSignal != 0) {
        return QStringLiteral("killed by signal %1 (%2)")
            .arg(m_exitSignal)
            .arg(QString::fromLocal8Bit(strsignal(m_exitSignal)));
    }
    return QStringLiteral("exited with status %1").arg(m_exitCode);
}

bool LessonProcess::sendSignal(int signal)
{
    return isRunning() && ::kill(m_pid, signal) == 0;
}

void LessonProcess::kill()
{
    if (!isRunning())
        return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    if (Sys::retryOnEintr([&] { return ::waitpid(m_pid, &status, 0); }) == m_pid)
        noteStatus(status);
    m_running = false;
}

} // namespace PipeScope
