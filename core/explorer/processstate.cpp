#include "processstate.h"

#include "endpointstates.h"
#include "procdirectory.h"
#include "sys.h"

#include <QFile>

#include <fcntl.h>

namespace PipeScope {

namespace {

bool isSleepState(char state)
{
    return state == 'S' || state == 'D';
}

/// A sleeping task's syscall file is worth a read only where it can name a pipe fd or the
/// direction: a pipe wchan, a FIFO open, or a wchan hidden from us ("0").
bool syscallMatters(WaitKind kind)
{
    return kind != WaitKind::Poll && kind != WaitKind::Other;
}

} // namespace

ProcessState ProcessState::parse(const QByteArray &stat, const QByteArray &wchan,
                                 const QByteArray &syscall, const QByteArray &status)
{
    const auto parsed = ProcParsers::parseStat(stat, ProcParsers::StatTail::Optional);
    if (!parsed)
        return failed(EINVAL, QStringLiteral("/proc/PID/stat"));
    return fromFiles(*parsed, wchan, syscall, status);
}

ProcessState ProcessState::fromFiles(const ProcStat &stat, const QByteArray &wchan,
                                     const QByteArray &syscall, const QByteArray &status)
{
    ProcessState result;
    result.m_stat = stat;
    result.m_statKnown = true;
    result.m_wchan = ProcParsers::parseWchan(wchan);
    if (!syscall.isEmpty())
        result.m_syscall = ProcParsers::parseSyscall(syscall);
    if (!status.isEmpty())
        result.m_uid = ProcParsers::parseStatus(status).uid;
    result.classify();
    return result;
}

void ProcessState::classify()
{
    // The explorer's rules for one task: the wchan says that it sleeps in the pipe code, the
    // syscall which direction (pipe_wait) and on which fd. A read() seen only in the syscall
    // (wchan hidden) may be on a socket: that stays "sleeping" here, with its fd known.
    m_mainWait = EndpointStates::taskWait(m_stat.pid, m_stat.state, m_wchan, m_syscall);
    m_wait = m_mainWait.inferred ? WaitKind::None : m_mainWait.kind;
    m_activity = activityOf(m_stat.state, m_wait);
}

ProcessState::Activity ProcessState::activityOf(char state, WaitKind wait)
{
    switch (state) {
    case 'R':
        return Activity::Running;
    case 'T':
    case 't':
        return Activity::Stopped;
    case 'Z':
    case 'X':
    case 'x':
        return Activity::Zombie;
    case 'I': // an idle kernel thread
        return Activity::Sleeping;
    default:
        break;
    }
    if (!isSleepState(state))
        return Activity::Unknown;
    switch (wait) {
    case WaitKind::PipeWrite:
        return Activity::BlockedWriting;
    case WaitKind::PipeRead:
        return Activity::BlockedReading;
    case WaitKind::FifoOpen:
        return Activity::WaitingForPartner;
    default:
        return Activity::Sleeping; // pipe_wait without a syscall to tell the direction, too
    }
}

ProcessState ProcessState::failed(int error, const QString &what)
{
    ProcessState result;
    result.m_error = error == EINVAL ? Error(QStringLiteral("malformed %1").arg(what), EINVAL)
                                     : Error::fromErrno(error, QStringLiteral("read ") + what);
    return result;
}

ProcessState ProcessState::read(qint64 pid, const QString &procRoot, Files files)
{
    const Fd root(Sys::open(QFile::encodeName(procRoot).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        return failed(errno, procRoot);
    return readAt(root.get(), QByteArray::number(pid).constData(), files, procRoot);
}

ProcessState ProcessState::readAt(int procFd, const char *pidName, Files files, const QString &procRoot)
{
    const auto path = [pidName](const char *file) { return QByteArray(pidName) + '/' + file; };
    Error error;
    const std::optional<QByteArray> stat = ProcDirectory::readSmallFile(procFd, path("stat").constData(), &error);
    if (!stat)
        return failed(error.code(), procRoot + u'/' + QString::fromLatin1(path("stat")));
    const std::optional<ProcStat> parsed = ProcParsers::parseStat(*stat);
    if (!parsed)
        return failed(EINVAL, procRoot + u'/' + QString::fromLatin1(path("stat")));
    QByteArray wchan, syscall, status;
    if (files != Files::StatOnly && isSleepState(parsed->state)) {
        // Missing files leave the text empty: "hidden", which parse() treats as such.
        wchan = ProcDirectory::readSmallFile(procFd, path("wchan").constData(), nullptr).value_or(QByteArray());
        if (syscallMatters(ProcParsers::classifyWchan(ProcParsers::parseWchan(wchan))))
            syscall = ProcDirectory::readSmallFile(procFd, path("syscall").constData(), nullptr).value_or(QByteArray());
    }
    if (files == Files::WaitsAndStatus)
        status = ProcDirectory::readSmallFile(procFd, path("status").constData(), nullptr).value_or(QByteArray());
    return fromFiles(*parsed, wchan, syscall, status);
}

QString ProcessState::text() const
{
    switch (m_activity) {
    case Activity::Running:
        return QStringLiteral("running");
    case Activity::Sleeping:
        return m_wchan.isEmpty() ? QStringLiteral("sleeping") : QStringLiteral("sleeping in %1").arg(m_wchan);
    case Activity::BlockedWriting:
        return QStringLiteral("blocked writing: its output pipe is full");
    case Activity::BlockedReading:
        return QStringLiteral("blocked reading: its input pipe is empty");
    case Activity::WaitingForPartner:
        return QStringLiteral("blocked opening a FIFO: waiting for the other side");
    case Activity::Stopped:
        return QStringLiteral("stopped");
    case Activity::Zombie:
        return QStringLiteral("exited (not reaped yet)");
    case Activity::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString ProcessState::activityName(Activity activity)
{
    switch (activity) {
    case Activity::Running:
        return QStringLiteral("running");
    case Activity::Sleeping:
        return QStringLiteral("sleeping");
    case Activity::BlockedWriting:
        return QStringLiteral("blocked-write");
    case Activity::BlockedReading:
        return QStringLiteral("blocked-read");
    case Activity::WaitingForPartner:
        return QStringLiteral("blocked-open");
    case Activity::Stopped:
        return QStringLiteral("stopped");
    case Activity::Zombie:
        return QStringLiteral("zombie");
    case Activity::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace PipeScope
