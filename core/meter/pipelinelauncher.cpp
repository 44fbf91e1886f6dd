#include "pipelinelauncher.h"

#include "fd.h"
#include "sys.h"

#include <QByteArray>

#include <csignal>
#include <vector>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

namespace PipeScope {

namespace {

/// posix_spawn's attributes and file actions for one stage, destroyed with it.
class SpawnSetup
{
public:
    SpawnSetup()
    {
        posix_spawnattr_init(&attributes);
        posix_spawn_file_actions_init(&actions);
        sigset_t defaults, mask;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigemptyset(&mask);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setsigmask(&attributes, &mask);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup &) = delete;
    SpawnSetup &operator=(const SpawnSetup &) = delete;

    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
};

quint64 inodeOf(int fd)
{
    struct stat status;
    return Sys::fstat(fd, &status) == 0 ? quint64(status.st_ino) : 0;
}

StageExit exitFrom(const siginfo_t &info)
{
    StageExit exit;
    if (info.si_code == CLD_EXITED)
        exit.exitCode = info.si_status;
    else
        exit.signal = info.si_status;
    return exit;
}

} // namespace

PipelineLauncher::~PipelineLauncher()
{
    killAndReapAll();
}

bool PipelineLauncher::start(const QStringList &scripts, bool inheritStdio, Error *error)
{
    const int count = int(scripts.size());
    std::vector<Fd> readEnds, writeEnds; // pipe K: writeEnds[K] -> readEnds[K]
    for (int k = 0; k + 1 < count; ++k) {
        int fds[2];
        if (Sys::pipe2(fds, 0) != 0)
            return Error::report(error, Error::fromErrno(errno, QStringLiteral("pipe2")));
        readEnds.emplace_back(fds[0]);
        writeEnds.emplace_back(fds[1]);
        m_pipeInodes << inodeOf(fds[0]);
    }
    for (int k = 0; k < count; ++k) {
        SpawnSetup setup;
        if (k > 0)
            posix_spawn_file_actions_adddup2(&setup.actions, readEnds[k - 1].get(), 0);
        else if (!inheritStdio)
            posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
        if (k + 1 < count)
            posix_spawn_file_actions_adddup2(&setup.actions, writeEnds[k].get(), 1);
        else if (!inheritStdio)
            posix_spawn_file_actions_addopen(&setup.actions, 1, "/dev/null", O_WRONLY, 0);
        const QByteArray script = scripts[k].toLocal8Bit();
        char shell[] = "sh", dashC[] = "-c";
        char *argv[] = { shell, dashC, const_cast<char *>(script.constData()), nullptr };
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attributes, argv, environ);
        if (rc != 0) {
            Error::report(error, Error::fromErrno(rc, QStringLiteral("posix_spawn /bin/sh for stage %1").arg(k + 1)));
            killAndReapAll();
            return false;
        }
        m_pids << pid;
        m_exits << std::nullopt;
        m_pidFds.push_back(Fd(Sys::pidfdOpen(pid))); // ours, not reaped: the PID is still its
    }
    return true; // our pipe ends close here: the stages hold the only ones
}

bool PipelineLauncher::hasExited(int stage) const
{
    if (isReaped(stage))
        return true;
    siginfo_t info {};
    const int rc = Sys::retryOnEintr(
            [&] { return ::waitid(P_PID, id_t(m_pids[stage]), &info, WEXITED | WNOHANG | WNOWAIT); });
    return rc == 0 && info.si_pid == pid_t(m_pids[stage]);
}

bool PipelineLauncher::allReaped() const
{
    for (const auto &exit : m_exits) {
        if (!exit)
            return false;
    }
    return true;
}

StageExit PipelineLauncher::reap(int stage)
{
    if (m_exits[stage])
        return *m_exits[stage];
    siginfo_t info {};
    const int rc = Sys::retryOnEintr([&] { return ::waitid(P_PID, id_t(m_pids[stage]), &info, WEXITED); });
    m_exits[stage] = rc == 0 ? exitFrom(info) : StageExit {};
    return *m_exits[stage];
}

void PipelineLauncher::signalAll(int signal)
{
    for (int k = 0; k < m_pids.size(); ++k) {
        if (!m_exits[k])
            ::kill(pid_t(m_pids[k]), signal);
    }
}

void PipelineLauncher::killAndReapAll()
{
    signalAll(SIGKILL);
    for (int k = 0; k < m_pids.size(); ++k)
        reap(k);
}

} // namespace PipeScope
