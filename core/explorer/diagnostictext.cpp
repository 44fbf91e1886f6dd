#include "diagnostictext.h"

#include "pipediagnostics.h"
#include "snapshotformat.h"

#include <QRegularExpression>

#include <algorithm>

namespace PipeScope {

QString DiagnosticText::pipeName(const SystemSnapshot &snapshot, const PipeKey &key)
{
    if (key.kind == PipeKind::Fifo) {
        const PipeInfo *pipe = snapshot.pipe(key);
        if (pipe && !pipe->path.isEmpty())
            return QStringLiteral("FIFO %1").arg(pipe->path);
        return QStringLiteral("FIFO (inode %1)").arg(key.inode);
    }
    return QStringLiteral("pipe %1").arg(key.inode);
}

QString DiagnosticText::endpointName(const SystemSnapshot &snapshot, qint64 pid, int fd)
{
    QString name = PipeDiagnostics::processName(snapshot, pid);
    name.chop(1); // "`x` (pid 1)" -> "`x` (pid 1, fd 3)"
    return name + QStringLiteral(", fd %1)").arg(fd);
}

QString DiagnosticText::duration(qint64 sinceMs, qint64 nowMs)
{
    const qint64 ms = nowMs - sinceMs;
    if (sinceMs < 0 || ms < 1000)
        return QString();
    return ms < 60'000 ? QStringLiteral(" for %1 s").arg(ms / 1000)
                       : QStringLiteral(" for %1 min").arg(ms / 60'000);
}

QString DiagnosticText::seenBlocked(qint64 sinceMs, qint64 nowMs)
{
    const QString forHowLong = duration(sinceMs, nowMs);
    return forHowLong.isEmpty() ? QStringLiteral("blocked") : QStringLiteral("seen blocked") + forHowLong;
}

QString DiagnosticText::seenBlocked(const PipeInfo &pipe, qint64 pid, int fd, qint64 nowMs)
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == pid && endpoint.fd == fd)
            return seenBlocked(endpoint.stateSinceMs, nowMs);
    }
    return QStringLiteral("blocked");
}

QString DiagnosticText::shellWord(const QString &text)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./+:@%-]+$"));
    if (plain.match(text).hasMatch())
        return text;
    return u'\'' + QString(text).replace(u'\'', QStringLiteral("'\\''")) + u'\'';
}

bool DiagnosticText::polls(const ProcessInfo &process)
{
    return process.wait == WaitKind::Poll || process.wchan.contains(u"epoll");
}

QString DiagnosticText::sleepActivity(const ProcessInfo &process)
{
    const QString &wchan = process.wchan;
    const bool polls = DiagnosticText::polls(process);
    if (PipeDiagnostics::pacesItself(process)) {
        return QStringLiteral("limits its own pace (asleep in %1 between bursts, %2)")
                .arg(polls ? QStringLiteral("poll/select") : QStringLiteral("nanosleep"),
                     SnapshotFormat::rateText(process.flowRate));
    }
    if (polls)
        return QStringLiteral("is waiting in poll/select/epoll for other input");
    if (wchan == u"do_wait" || wchan.startsWith(u"kernel_wait"))
        return QStringLiteral("is waiting for a child process to exit");
    if (wchan.contains(u"nanosleep"))
        return QStringLiteral("is asleep (sleep/nanosleep)");
    if (wchan.startsWith(u"futex"))
        return QStringLiteral("is waiting on a lock (futex)");
    if (!wchan.isEmpty())
        return QStringLiteral("is asleep in the kernel (%1)").arg(wchan);
    return QStringLiteral("is asleep");
}

QString DiagnosticText::idList(QList<qint64> ids)
{
    constexpr int Shown = 5;
    std::sort(ids.begin(), ids.end());
    QStringList parts;
    for (qint64 id : ids.mid(0, Shown))
        parts << QString::number(id);
    if (ids.size() > Shown)
        return parts.join(QStringLiteral(", ")) + QStringLiteral(" and %1 more").arg(ids.size() - Shown);
    return parts.join(QStringLiteral(", "));
}

int DiagnosticText::writeOnlyFd(const PipeInfo &pipe, qint64 pid)
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == pid && endpoint.mode == EndpointMode::Write)
            return endpoint.fd;
    }
    return -1;
}

Diagnostic DiagnosticText::make(Diagnostic::Severity severity, Diagnostic::Kind kind,
                                const PipeKey &pipe, const QString &text,
                                const QList<QPair<qint64, int>> &endpoints)
{
    Diagnostic diagnostic;
    diagnostic.severity = severity;
    diagnostic.kind = kind;
    diagnostic.pipe = pipe;
    diagnostic.text = text;
    diagnostic.endpoints = endpoints;
    return diagnostic;
}

} // namespace PipeScope
