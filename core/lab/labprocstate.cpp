#include "labprocstate.h"

#include "procparsers.h"

#include <QFile>

namespace PipeScope {

namespace {

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(4096);
}

LabProcState::Activity sleepingActivity(const QByteArray &wchan)
{
    // The explorer's table of kernel names (they changed across versions: anon_pipe_* since
    // 6.16, pipe_* before). pipe_wait on old kernels names no direction: plain sleeping.
    switch (ProcParsers::classifyWchan(QString::fromLatin1(wchan))) {
    case WaitKind::PipeWrite:
        return LabProcState::Activity::BlockedWriting;
    case WaitKind::PipeRead:
        return LabProcState::Activity::BlockedReading;
    case WaitKind::FifoOpen:
        return LabProcState::Activity::WaitingForPartner;
    default:
        return LabProcState::Activity::Sleeping;
    }
}

} // namespace

LabProcState LabProcState::parse(const QByteArray &stat, const QByteArray &wchan)
{
    LabProcState result;
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    // "PID (name) S ...": the state letter follows the last ')' and one space.
    if (open < 0 || close < open || close + 2 >= stat.size())
        return result;
    result.m_name = QString::fromUtf8(stat.mid(open + 1, close - open - 1));
    result.m_state = stat.at(close + 2);
    const QByteArray trimmedWchan = wchan.trimmed();
    result.m_wchan = QString::fromLatin1(trimmedWchan);
    switch (result.m_state) {
    case 'R':
        result.m_activity = Activity::Running;
        break;
    case 'S':
    case 'D':
        result.m_activity = sleepingActivity(trimmedWchan);
        break;
    case 'T':
    case 't':
        result.m_activity = Activity::Stopped;
        break;
    case 'Z':
    case 'X':
        result.m_activity = Activity::Zombie;
        break;
    default:
        result.m_activity = Activity::Unknown;
    }
    return result;
}

LabProcState LabProcState::read(pid_t pid, const QString &procRoot)
{
    const QString dir = QStringLiteral("%1/%2/").arg(procRoot).arg(pid);
    return parse(readSmallFile(dir + QStringLiteral("stat")),
                 readSmallFile(dir + QStringLiteral("wchan")));
}

QString LabProcState::text() const
{
    switch (m_activity) {
    case Activity::Running:
        return QStringLiteral("running");
    case Activity::Sleeping:
        return m_wchan.isEmpty() || m_wchan == u"0"
                ? QStringLiteral("sleeping")
                : QStringLiteral("sleeping in %1").arg(m_wchan);
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

} // namespace PipeScope
