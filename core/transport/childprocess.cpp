#include "childprocess.h"

#include "fd.h"
#include "pipeopeners.h"
#include "sys.h"
#include "transportlogging.h"

#include <QFile>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

namespace PipeScope {

namespace {

/// An fd above 2 for \a fd (which it replaces), so that no dup2 onto 0, 1 or 2 can clobber it
/// before it is copied: only a process started with a standard stream closed has such fds.
bool moveAboveStdio(Fd *fd, Error *error)
{
    if (!fd->isValid() || fd->get() > STDERR_FILENO)
        return true;
    const int copy = Sys::fcntl(fd->get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (copy < 0)
        return Error::report(error, Error::fromErrno(errno, QStringLiteral("fcntl F_DUPFD_CLOEXEC")));
    fd->reset(copy);
    return true;
}

/// The child's standard streams while they are set up: what it gets as fd 0, 1 and 2, and
/// the pipe ends we keep. Owns every fd it holds (all O_CLOEXEC).
struct ChildStdio
{
    Fd child[3]; ///< dup2'd onto fd i in the child; none: inherited (or merged, for 2)
    Fd ours[3];  ///< our end of stream i when it is a Pipe
    bool mergeStderr = false;

    bool prepare(const ChildProcess::Stream (&modes)[3], int stdinSource, Error *error)
    {
        if (stdinSource >= 0) {
            // A copy, so the dup2 in the child cannot be clobbered and ours stays open.
            child[0].reset(Sys::fcntl(stdinSource, F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
            if (!child[0]) {
                const int code = errno;
                return Error::report(error, Error::fromErrno(code, QStringLiteral("stdin fd %1").arg(stdinSource)));
            }
        }
        for (int stream = stdinSource >= 0 ? 1 : 0; stream < 3; ++stream) {
            if (!prepareStream(stream, modes[stream], error))
                return false;
        }
        for (Fd &fd : child) {
            if (!moveAboveStdio(&fd, error))
                return false;
        }
        return true;
    }

    bool prepareStream(int stream, ChildProcess::Stream mode, Error *error)
    {
        switch (mode) {
        case ChildProcess::Stream::Pipe: {
            const std::optional<PipeFds> fds = Openers::anonymousPipe(error);
            if (!fds)
                return false;
            Fd read(fds->read), write(fds->write);
            child[stream] = stream == STDIN_FILENO ? std::move(read) : std::move(write);
            ours[stream] = stream == STDIN_FILENO ? std::move(write) : std::move(read);
            return true;
        }
        case ChildProcess::Stream::Null:
            child[stream].reset(Sys::open("/dev/null", stream == STDIN_FILENO ? O_RDONLY : O_WRONLY));
            if (!child[stream])
                Error::report(error, Error::fromErrno(errno, QStringLiteral("open /dev/null")));
            return child[stream].isValid();
        case ChildProcess::Stream::MergeWithStdout:
            mergeStderr = true;
            return true;
        case ChildProcess::Stream::Inherit:
            return true;
        }
        return true;
    }

    /// The child gets its ends as fds 0-2 (dup2 clears O_CLOEXEC on the copies), stderr as a
    /// copy of its stdout when merged, and keeps \a passFds. Every fd of ours is O_CLOEXEC, but
    /// whoever started us may have leaked some without it: the child closes every other fd
    /// above 2, as subprocess's close_fds does, so it cannot hold a stray write end that keeps
    /// some reader from seeing EOF.
    void addActions(posix_spawn_file_actions_t *actions, const QList<int> &passFds) const
    {
        for (int stream = 0; stream < 3; ++stream) {
            if (child[stream])
                posix_spawn_file_actions_adddup2(actions, child[stream].get(), stream);
        }
        if (mergeStderr)
            posix_spawn_file_actions_adddup2(actions, STDOUT_FILENO, STDERR_FILENO);
        int keepBelow = STDERR_FILENO + 1;
        for (const int fd : passFds) {
            // dup2 onto itself clears O_CLOEXEC in the child (glibc, as POSIX 2024 says).
            posix_spawn_file_actions_adddup2(actions, fd, fd);
            keepBelow = std::max(keepBelow, fd + 1);
        }
        for (int fd = STDERR_FILENO + 1; fd < keepBelow; ++fd) {
            if (!passFds.contains(fd))
                posix_spawn_file_actions_addclose(actions, fd); // EBADF is ignored
        }
        posix_spawn_file_actions_addclosefrom_np(actions, keepBelow);
    }
};

// The transports set SIGPIPE to SIG_IGN in this process, and an ignored signal stays ignored
// across exec. Give the child the default back, as a shell would, so `yes` whose reader left
// dies of SIGPIPE instead of looping on EPIPE errors; and no blocked signals.
void initDefaultSignals(posix_spawnattr_t *attributes)
{
    posix_spawnattr_init(attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(attributes, &defaults);
    sigset_t noneBlocked;
    sigemptyset(&noneBlocked);
    posix_spawnattr_setsigmask(attributes, &noneBlocked);
    posix_spawnattr_setflags(attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
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
    Sys::close(m_stderrFd);
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

Error ChildProcess::refusal() const
{
    if (m_state != State::NotStarted)
        return Error(QStringLiteral("child process already started"));
    if (m_modes[0] == Stream::MergeWithStdout || m_modes[1] == Stream::MergeWithStdout)
        return Error(QStringLiteral("MergeWithStdout applies to stderr only"));
    if (m_stdinSource >= 0 && Sys::fcntl(m_stdinSource, F_GETFD) < 0) {
        const int code = errno;
        return Error::fromErrno(code, QStringLiteral("stdin fd %1").arg(m_stdinSource));
    }
    for (const int fd : m_passFds) {
        if (fd <= STDERR_FILENO)
            return Error(QStringLiteral("cannot pass fd %1: 0, 1 and 2 are set by the stream modes").arg(fd));
        if (Sys::fcntl(fd, F_GETFD) < 0) {
            const int code = errno;
            return Error::fromErrno(code, QStringLiteral("cannot pass fd %1").arg(fd));
        }
    }
    return Error();
}

bool ChildProcess::spawn(const QByteArray &file, const QList<QByteArray> &argv)
{
    m_error = refusal();
    if (m_error)
        return false;
    ChildStdio stdio;
    if (!stdio.prepare(m_modes, m_stdinSource, &m_error))
        return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    stdio.addActions(&actions, m_passFds);
    std::vector<char *> args;
    for (const QByteArray &arg : argv)
        args.push_back(const_cast<char *>(arg.constData()));
    args.push_back(nullptr);
    posix_spawnattr_t attributes;
    initDefaultSignals(&attributes);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, file.constData(), &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        m_error = Error::fromErrno(rc, QStringLiteral("cannot run ") + QString::fromLocal8Bit(argv.first()));
        return false;
    }
    m_pid = pid;
    m_state = State::Running;
    m_stdinFd = stdio.ours[0].release();
    m_stdoutFd = stdio.ours[1].release();
    m_stderrFd = stdio.ours[2].release();
    watchExit();
    return true;
}

void ChildProcess::watchExit()
{
    m_pidfd = Sys::pidfdOpen(m_pid);
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
        const int code = errno;
        m_error = Error::fromErrno(code, QStringLiteral("waitpid %1").arg(m_pid));
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

int ChildProcess::takeStderrFd()
{
    return std::exchange(m_stderrFd, -1);
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
