#include "snapshotformat.h"

#include "pipediagnostics.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace PipeScope {

namespace {

QJsonValue optionalNumber(const std::optional<qint64> &value)
{
    return value ? QJsonValue(double(*value)) : QJsonValue(QJsonValue::Null);
}

QString kindName(PipeKind kind)
{
    return kind == PipeKind::Fifo ? QStringLiteral("fifo") : QStringLiteral("pipe");
}

QString skipCategory(const SkippedProcess &skipped)
{
    if (skipped.error.code() == ENOENT || skipped.error.code() == ESRCH)
        return QStringLiteral("exited during the scan");
    if (skipped.error.code() == EACCES || skipped.error.code() == EPERM)
        return QStringLiteral("not ours (needs the same user, or root / CAP_SYS_PTRACE + "
                              "CAP_DAC_READ_SEARCH)");
    return skipped.error.message();
}

QString shortened(const QString &text, int maximum)
{
    return text.size() <= maximum ? text : text.left(maximum - 3) + QLatin1String("...");
}

} // namespace

bool SnapshotFormat::isSelfPipe(const PipeInfo &pipe)
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid != pipe.endpoints.first().pid)
            return false;
    }
    return pipe.hasReader() && pipe.hasWriter();
}

QSet<qint64> SnapshotFormat::participants(const PipeInfo &pipe)
{
    QSet<qint64> pids;
    for (const PipeEndpoint &endpoint : pipe.endpoints)
        pids.insert(endpoint.pid);
    for (const FifoOpener &opener : pipe.openers)
        pids.insert(opener.pid);
    return pids;
}

SnapshotFormat::PipeFilter SnapshotFormat::cliFilter(qint64 onlyPid, bool all, qint64 selfPid)
{
    return [=](const PipeInfo &pipe) {
        const QSet<qint64> pids = participants(pipe);
        if (onlyPid > 0)
            return pids.contains(onlyPid);
        const bool onlyOurs = pids == QSet<qint64> { selfPid };
        return all || (!isSelfPipe(pipe) && !onlyOurs);
    };
}

QString SnapshotFormat::openerText(const SystemSnapshot &snapshot, const FifoOpener &opener, qint64 nowMs)
{
    const qint64 seconds = opener.sinceMs >= 0 ? (nowMs - opener.sinceMs) / 1000 : 0;
    return QStringLiteral("%1 in open() for %2%3")
            .arg(PipeDiagnostics::processName(snapshot, opener.pid),
                 opener.mode == EndpointMode::Write ? QStringLiteral("writing") : QStringLiteral("reading"),
                 seconds > 0 ? QStringLiteral(", waiting %1 s").arg(seconds) : QString());
}

QJsonObject SnapshotFormat::pipeToJson(const SystemSnapshot &snapshot, const PipeInfo &pipe)
{
    QJsonArray endpoints;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        endpoints.append(QJsonObject {
                { QStringLiteral("pid"), double(endpoint.pid) },
                { QStringLiteral("fd"), endpoint.fd },
                { QStringLiteral("command"), snapshot.commandOf(endpoint.pid) },
                { QStringLiteral("mode"), endpointModeName(endpoint.mode) },
                { QStringLiteral("state"), endpointStateName(endpoint.state) } });
    }
    QJsonArray openers;
    for (const FifoOpener &opener : pipe.openers) {
        openers.append(QJsonObject {
                { QStringLiteral("pid"), double(opener.pid) },
                { QStringLiteral("tid"), double(opener.tid) },
                { QStringLiteral("command"), snapshot.commandOf(opener.pid) },
                { QStringLiteral("mode"), endpointModeName(opener.mode) },
                { QStringLiteral("state"), endpointStateName(EndpointState::BlockedOpen) },
                { QStringLiteral("waiting_ms"),
                  opener.sinceMs >= 0 ? QJsonValue(double(snapshot.timestampMs - opener.sinceMs))
                                      : QJsonValue(QJsonValue::Null) } });
    }
    QJsonArray diagnostics;
    for (const Diagnostic &diagnostic : pipe.diagnostics) {
        diagnostics.append(QJsonObject { { QStringLiteral("severity"), severityName(diagnostic.severity) },
                                         { QStringLiteral("text"), diagnostic.text } });
    }
    QJsonObject object {
        { QStringLiteral("inode"), double(pipe.key.inode) },
        { QStringLiteral("kind"), kindName(pipe.key.kind) },
        { QStringLiteral("path"),
          pipe.key.kind == PipeKind::Fifo ? QJsonValue(pipe.path + (pipe.deleted ? QStringLiteral(" (deleted)") : QString()))
                                          : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("capacity"), optionalNumber(pipe.capacity) },
        { QStringLiteral("queued"), optionalNumber(pipe.queued) },
        { QStringLiteral("endpoints"), endpoints },
        { QStringLiteral("openers"), openers },
        { QStringLiteral("diagnostics"), diagnostics } };
    if (!pipe.queued || !pipe.capacity)
        object.insert(QStringLiteral("reason"), pipe.unreachableReason);
    return object;
}

QJsonObject SnapshotFormat::toJson(const SystemSnapshot &snapshot, const PipeFilter &include)
{
    QJsonArray pipes;
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (!include || include(pipe))
            pipes.append(pipeToJson(snapshot, pipe));
    }
    return QJsonObject { { QStringLiteral("pipes"), pipes },
                         { QStringLiteral("processes_scanned"), snapshot.processesScanned },
                         { QStringLiteral("processes_skipped"), snapshot.processesSkipped } };
}

QString SnapshotFormat::bytesText(double bytes)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
    int unit = 0;
    while (bytes >= 1000 && unit < 4) {
        bytes /= 1000;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                     : QStringLiteral("%1 %2").arg(bytes, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

QString SnapshotFormat::rateText(double bytesPerSecond)
{
    return bytesPerSecond < 0 ? QStringLiteral("-") : bytesText(bytesPerSecond) + QStringLiteral("/s");
}

QString SnapshotFormat::escaped(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\n')
            out += QLatin1String("\\n");
        else if (c == u'\t')
            out += QLatin1String("\\t");
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString SnapshotFormat::severityMark(Diagnostic::Severity severity)
{
    switch (severity) {
    case Diagnostic::Severity::Error:
        return QStringLiteral("✖");
    case Diagnostic::Severity::Warning:
        return QStringLiteral("⚠");
    case Diagnostic::Severity::Info:
        break;
    }
    return QStringLiteral("ℹ");
}

QString SnapshotFormat::pipeTitle(const PipeInfo &pipe)
{
    if (pipe.key.kind == PipeKind::Fifo) {
        // One arg() call: a second one would replace a "%1" inside the path.
        return QStringLiteral("FIFO %1%2 (inode %3)")
                .arg(escaped(pipe.path), pipe.deleted ? QStringLiteral(" (deleted)") : QString(),
                     QString::number(pipe.key.inode));
    }
    return QStringLiteral("pipe %1").arg(pipe.key.inode);
}

QString SnapshotFormat::fillText(const PipeInfo &pipe)
{
    if (!pipe.queued || !pipe.capacity)
        return QStringLiteral("?/? (%1)").arg(pipe.unreachableReason);
    const qint64 percent = *pipe.capacity > 0 ? *pipe.queued * 100 / *pipe.capacity : 0;
    return QStringLiteral("%1/%2 (%3%)").arg(*pipe.queued).arg(*pipe.capacity).arg(percent);
}

QString SnapshotFormat::pipeText(const SystemSnapshot &snapshot, const PipeInfo &pipe)
{
    QString text = QStringLiteral("%1  %2\n").arg(pipeTitle(pipe), fillText(pipe));
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        text += QStringLiteral("  %1 fd %2 %3 %4 %5\n")
                        .arg(endpoint.pid, 7)
                        .arg(endpoint.fd, -4)
                        .arg(endpointModeName(endpoint.mode), -2)
                        .arg(endpointStateName(endpoint.state), -17)
                        .arg(shortened(escaped(snapshot.commandOf(endpoint.pid)), 100));
    }
    for (const FifoOpener &opener : pipe.openers) {
        text += QStringLiteral("  %1 open() %2 %3 %4\n")
                        .arg(opener.pid, 7)
                        .arg(endpointModeName(opener.mode), -2)
                        .arg(endpointStateName(EndpointState::BlockedOpen), -17)
                        .arg(shortened(escaped(snapshot.commandOf(opener.pid)), 100));
    }
    for (const Diagnostic &diagnostic : pipe.diagnostics)
        text += QStringLiteral("  %1: %2\n").arg(severityName(diagnostic.severity), escaped(diagnostic.text));
    return text;
}

QString SnapshotFormat::summary(const SystemSnapshot &snapshot, int pipesShown)
{
    QMap<QString, int> reasons;
    for (const SkippedProcess &skipped : snapshot.skipped)
        ++reasons[skipCategory(skipped)];
    QStringList parts;
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
        parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    QString text = QStringLiteral("%1 pipes shown of %2; %3 processes scanned, %4 skipped")
                           .arg(pipesShown)
                           .arg(snapshot.pipes.size())
                           .arg(snapshot.processesScanned)
                           .arg(snapshot.processesSkipped);
    if (!parts.isEmpty())
        text += QStringLiteral(" (%1)").arg(parts.join(QStringLiteral("; ")));
    return text;
}

} // namespace PipeScope
