#include "childprocess.h"

#include "fd.h"
#include "pipeopeners.h"
#include "sys.h"
#include "transportlogging.h"

#include <QFile>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

namespace PipeScope {

namespace {

int pidfdOpen(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}


} // namespace

ChildProcess::ChildProcess(QObject *parent) : QObject(parent) { }

ChildProcess::~ChildProcess()
{
    if (m_state == State::Running) {
        ::kill(m_pid, SIGKILL);
        reap(0); // SIGKILL cannot be caught: this wait is short
    }
    Sys::close(m_stdinFd);
    Sys::close(m_stdoutFd);
    Sys::close(m_pidfd);
}

bool ChildProcess::start(const QString &program, const QStringList &arguments)
{
    QList<QByteArray> argv { QFile::encodeName(program) };
    for (const QString &argument : arguments)
        argv << argument.toLocal8Bit();
    m_program = program;
    return spawn(argv.first(), argv);
}

bool ChildProcess::startShell(const QString &commandLine)
{
    m_program = commandLine;
    return spawn("/bin/sh", { "sh", "-c", commandLine.toLocal8Bit() });
}

bool ChildProcess::spawn(const QByteArray &file, const QList<QByteArray> &argv)
{
    if (m_state != State::NotStarted) {
        m_errorString = QStringLiteral("child process already started");
        return false;
    }
    QString error;
    const std::optional<PipeFds> input = Openers::anonymousPipe(&error);
    const std::optional<PipeFds> output = input ? Openers::anonymousPipe(&error) : std::nullopt;
    if (!input || !output) {
        m_errorString = error;
        if (input) {
            Sys::close(input->read);
            Sys::close(input->write);
        }
        return false;
    }
    Fd childIn(input->read), ourIn(input->write), ourOut(output->read), childOut(output->write);

    // The child gets its two ends as fds 0 and 1 (dup2 clears O_CLOEXEC on the copies) and
    // our stderr. Every fd of ours is O_CLOEXEC, but whoever started us may have leaked some
    // without it: the child closes everything above 2, as subprocess's close_fds does, so it
    // cannot hold a stray write end that keeps some reader from seeing EOF.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, childIn.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, childOut.get(), STDOUT_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    std::vector<char *> args;
    for (const QByteArray &arg : argv)
        args.push_back(const_cast<char *>(arg.constData()));
    args.push_back(nullptr);
    // The transports set SIGPIPE to SIG_IGN in this process, and an ignored signal stays
    // ignored across exec. Give the child the default back, as a shell would, so `yes` whose
    // reader left dies of SIGPIPE instead of looping on EPIPE errors.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t noneBlocked;
    sigemptyset(&noneBlocked);
    posix_spawnattr_setsigmask(&attributes, &noneBlocked);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, file.constData(), &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        m_errorString = QStringLiteral("cannot run %1: %2").arg(QString::fromLocal8Bit(argv.first()), Sys::errorText(rc));
        return false;
    }
    m_pid = pid;
    m_state = State::Running;
    m_stdinFd = ourIn.release();
    m_stdoutFd = ourOut.release();
    watchExit();
    return true;
}

void ChildProcess::watchExit()
{
    m_pidfd = pidfdOpen(m_pid);
    if (m_pidfd >= 0) {
        // A pidfd becomes readable when the process exits: no SIGCHLD handler needed.
        m_exitNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
        connect(m_exitNotifier, &QSocketNotifier::activated, this, [this] { reap(WNOHANG); });
        return;
    }
    // Kernels before 5.3: poll waitpid.
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, [this, timer] {
        reap(WNOHANG);
        if (m_state == State::Exited)
            timer->deleteLater();
    });
    timer->start(50);
}

void ChildProcess::reap(int options)
{
    if (m_state != State::Running)
        return;
    int status = 0;
    const pid_t rc = Sys::retryOnEintr([&] { return ::waitpid(m_pid, &status, options); });
    if (rc == 0)
        return; // still running
    m_state = State::Exited;
    if (m_exitNotifier)
        m_exitNotifier->setEnabled(false);
    if (rc < 0) {
        m_errorString = QStringLiteral("waitpid %1: %2").arg(m_pid).arg(Sys::errorText(errno));
    } else if (WIFSIGNALED(status)) {
        m_exitSignal = WTERMSIG(status);
    } else {
        m_exitCode = WEXITSTATUS(status);
    }
    if (options != 0) // not from the destructor
        Q_EMIT finished(m_exitCode, m_exitSignal);
}

int ChildProcess::takeStdinFd()
{
    return std::exchange(m_stdinFd, -1);
}

int ChildProcess::takeStdoutFd()
{
    return std::exchange(m_stdoutFd, -1);
}

bool ChildProcess::sendSignal(int signal)
{
    if (m_state != State::Running)
        return false;
    return ::kill(m_pid, signal) == 0;
}

QString ChildProcess::statusText() const
{
    switch (m_state) {
    case State::NotStarted:
        return QStringLiteral("not started");
    case State::Running:
        return QStringLiteral("running");
    case State::Exited:
        break;
    }
    if (m_exitSignal != 0) {
        return QStringLiteral("killed by signal %1 (%2)")
                .arg(m_exitSignal)
                .arg(QString::fromLocal8Bit(strsignal(m_exitSignal)));
    }
    return QStringLiteral("exited with status %1").arg(m_exitCode);
}

} // namespace PipeScope
