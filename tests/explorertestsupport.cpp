#include "explorertestsupport.h"

#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/procparsers.h>
#include <pipescope/procscanner.h>
#include <pipescope/sys.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>

#include <fcntl.h>
#include <QThread>
#include <QtGlobal>

#include <algorithm>
#include <csignal>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

namespace PipeScope::Test {

namespace {

std::optional<ProcStat> statOf(const QString &pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return ProcParsers::parseStat(file.readAll());
}

QList<pid_t> processesWhere(const std::function<bool(const ProcStat &)> &accept)
{
    QList<pid_t> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool ok = false;
        entry.toInt(&ok);
        if (!ok)
            continue;
        if (const auto stat = statOf(entry); stat && accept(*stat))
            pids << pid_t(stat->pid);
    }
    return pids;
}

} // namespace

ChildProcesses::ChildProcesses()
{
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

ChildProcesses::~ChildProcesses()
{
    killAll();
}

pid_t ChildProcesses::spawn(const QStringList &argv, const QList<QPair<int, int>> &fds,
                            bool newSession)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // Copies above any target fd, so the dup2s cannot clobber each other's sources; dup2 also
    // clears close-on-exec on the target.
    QList<int> copies;
    for (const auto &[from, to] : fds) {
        const int copy = Sys::fcntl(from, F_DUPFD_CLOEXEC, 200);
        copies << copy;
        posix_spawn_file_actions_adddup2(&actions, copy, to);
    }
    if (newSession)
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    QList<QByteArray> storage;
    std::vector<char *> arguments;
    for (const QString &argument : argv)
        storage << QFile::encodeName(argument);
    for (QByteArray &argument : storage)
        arguments.push_back(argument.data());
    arguments.push_back(nullptr);
    pid_t pid = -1;
    const int error = posix_spawnp(&pid, arguments[0], &actions, &attributes, arguments.data(), environ);
    for (int copy : copies)
        Sys::close(copy);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (error != 0) {
        qWarning("posix_spawnp %s: %s", arguments[0], std::strerror(error));
        return -1;
    }
    m_pids << pid;
    if (newSession)
        m_groups.insert(pid);
    return pid;
}

pid_t ChildProcesses::spawnQuiet(const QStringList &argv)
{
    const Fd null(Sys::open("/dev/null", O_RDWR));
    return spawn(argv, { { null.get(), 0 }, { null.get(), 1 }, { null.get(), 2 } });
}

ThreeStages spawnThreeStages(ChildProcesses &children, const QStringList &source, const QStringList &middle,
                             const QStringList &sink)
{
    const auto [aRead, aWrite] = makePipe();
    const auto [bRead, bWrite] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    ThreeStages stages;
    stages.source = children.spawn(source, { { aWrite, 1 } });
    stages.middle = children.spawn(middle, { { aRead, 0 }, { bWrite, 1 } });
    stages.sink = children.spawn(sink, { { bRead, 0 }, { devNull.get(), 1 } });
    for (int fd : { aRead, aWrite, bRead, bWrite })
        Sys::close(fd);
    return stages;
}

void watchOnly(SystemMonitor &monitor, const QObject *view, const QList<qint64> &pids)
{
    MonitorScope scope;
    scope.pids = pids;
    monitor.setScope(scope);
    PipeInterest everything;
    everything.all = true;
    monitor.setInterest(view, everything);
}

QStringList fifoWriterCommand(const QString &path)
{
    return { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec echo hi > \"$0\""), path };
}

QString makeFifo(const QTemporaryDir &dir, const QString &name, mode_t mode)
{
    const QString path = dir.filePath(name);
    const QByteArray encoded = QFile::encodeName(path);
    if (!dir.isValid() || ::mkfifo(encoded.constData(), mode) != 0 || ::chmod(encoded.constData(), mode) != 0) {
        qWarning("mkfifo %s: %s", encoded.constData(), std::strerror(errno));
        return QString();
    }
    return path;
}

QList<pid_t> ChildProcesses::groupMembers(pid_t pgid)
{
    return processesWhere([pgid](const ProcStat &stat) { return stat.pgrp == pgid; });
}

QList<pid_t> ChildProcesses::childrenOf(pid_t parent)
{
    return processesWhere([parent](const ProcStat &stat) { return stat.ppid == parent; });
}

int ChildProcesses::waitExit(pid_t pid, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        int status = 0;
        const pid_t done = Sys::retryOnEintr([&] { return ::waitpid(pid, &status, WNOHANG); });
        if (done == pid) {
            m_pids.removeAll(pid);
            return status;
        }
        if (done < 0 || deadline.hasExpired())
            return -1;
        QThread::msleep(5);
    }
}

void ChildProcesses::killAll()
{
    QList<pid_t> victims = m_pids;
    for (pid_t group : std::as_const(m_groups)) {
        victims += groupMembers(group);
        ::kill(-group, SIGKILL);
    }
    for (pid_t pid : std::as_const(m_pids))
        victims += childrenOf(pid); // explorer_deadlock's child, a subshell's children
    for (pid_t pid : std::as_const(victims))
        ::kill(pid, SIGKILL);
    // As a subreaper we inherit orphaned grandchildren, so each of them is ours to reap.
    for (pid_t pid : std::as_const(victims))
        Sys::retryOnEintr([&] { return ::waitpid(pid, nullptr, 0); });
    m_pids.clear();
    m_groups.clear();
}

char processState(pid_t pid)
{
    const auto stat = statOf(QString::number(pid));
    return stat ? stat->state : 0;
}

SystemSnapshot scanSystem()
{
    SystemSnapshot snapshot = ProcScanner().scan();
    PipeDiagnostics::annotate(snapshot);
    return snapshot;
}

QStringList endpointsOf(const SystemSnapshot &snapshot, pid_t pid)
{
    QStringList result;
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            if (endpoint.pid == pid) {
                result << QStringLiteral("%1:%2:%3").arg(endpoint.fd).arg(endpointModeName(endpoint.mode)).arg(pipe.key.inode);
            }
        }
    }
    result.sort();
    return result;
}

EndpointState stateOf(const SystemSnapshot &snapshot, pid_t pid, int fd)
{
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            if (endpoint.pid == pid && endpoint.fd == fd)
                return endpoint.state;
        }
    }
    return EndpointState::Unknown;
}

QStringList lsofPipeEndpoints(const QList<pid_t> &pids)
{
    QStringList pidList;
    for (pid_t pid : pids)
        pidList << QString::number(pid);
    QProcess lsof;
    // Only these processes' fds (no +E: that reads every process on the machine to add the
    // other ends' holders, which are filtered out below anyway).
    lsof.start(QStringLiteral("lsof"), { QStringLiteral("-n"), QStringLiteral("-P"),
                                        QStringLiteral("-F"), QStringLiteral("pfatin"),
                                        QStringLiteral("-p"), pidList.join(u',') });
    if (!lsof.waitForFinished(30000))
        qWarning("lsof did not finish");
    QStringList result;
    QString pid, fd, access, type, inode;
    const auto flush = [&] {
        if (type == u"FIFO" && !fd.isEmpty() && pids.contains(pid.toInt())) {
            const QString mode = access == u"u" ? QStringLiteral("rw") : access;
            result << QStringLiteral("%1:%2:%3:%4").arg(pid, fd, mode, inode);
        }
        fd.clear();
        type.clear();
        access.clear();
        inode.clear();
    };
    for (const QByteArray &line : lsof.readAllStandardOutput().split('\n')) {
        if (line.isEmpty())
            continue;
        const QString value = QString::fromUtf8(line.mid(1));
        switch (line.at(0)) {
        case 'p':
            flush();
            pid = value;
            break;
        case 'f':
            flush();
            fd = value;
            break;
        case 'a':
            access = value.trimmed();
            break;
        case 't':
            type = value;
            break;
        case 'i':
            inode = value;
            break;
        default:
            break;
        }
    }
    flush();
    result.sort();
    result.removeDuplicates();
    return result;
}

QStringList scannedPipeEndpoints(const SystemSnapshot &snapshot, const QList<pid_t> &pids)
{
    QStringList result;
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            if (pids.contains(pid_t(endpoint.pid))) {
                result << QStringLiteral("%1:%2:%3:%4")
                                  .arg(endpoint.pid)
                                  .arg(endpoint.fd)
                                  .arg(endpointModeName(endpoint.mode))
                                  .arg(pipe.key.inode);
            }
        }
    }
    result.sort();
    return result;
}

} // namespace PipeScope::Test
