#include "procparsers.h"

#include <QList>

#include <charconv>
#include <system_error>
#include <fcntl.h>

namespace PipeScope {

namespace {

std::optional<qint64> toInt(const QByteArray &field)
{
    bool ok = false;
    const qint64 value = field.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

/// Plain decimal digits that fit 64 bits, nothing else: QByteArray::toULongLong() would stop
/// at an embedded NUL ("12\0junk" read as 12) and take a sign or blanks.
std::optional<quint64> toCounter(const QByteArray &field)
{
    quint64 value = 0;
    const char *end = field.constData() + field.size();
    const auto [stop, error] = std::from_chars(field.constData(), end, value);
    return !field.isEmpty() && stop == end && error == std::errc() ? std::optional<quint64>(value) : std::nullopt;
}

} // namespace

namespace ProcParsers {

std::optional<ProcStat> parseStat(const QByteArray &text, StatTail tail)
{
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    if (open <= 0 || close < open)
        return std::nullopt;
    ProcStat stat;
    const auto pid = toInt(text.left(open).trimmed());
    if (!pid)
        return std::nullopt;
    stat.pid = *pid;
    stat.comm = QString::fromUtf8(text.constData() + open + 1, close - open - 1);
    // Fields are counted from the one after ')': state is field 3 of proc(5), so the index is
    // field - 3. Walked in place: this runs for every process of every scan.
    const char *cursor = text.constData() + close + 1;
    const char *const end = text.constData() + text.size();
    qint64 numbers[20] = {};
    int index = 0;
    for (; index < 20; ++index) {
        while (cursor < end && (*cursor == ' ' || *cursor == '\n'))
            ++cursor;
        const char *field = cursor;
        while (cursor < end && *cursor != ' ' && *cursor != '\n')
            ++cursor;
        const bool valid = cursor != field
                && (index == 0 ? cursor - field == 1
                               : std::from_chars(field, cursor, numbers[index]).ptr == cursor);
        if (!valid && (index == 0 || tail == StatTail::Required))
            return std::nullopt; // no state letter, fewer than 20 fields, or not a number
        if (!valid)
            break;
        if (index == 0)
            stat.state = *field;
    }
    const auto field = [&](int i, qint64 fallback) { return i < index ? numbers[i] : fallback; };
    stat.ppid = field(1, 0);
    stat.pgrp = field(2, 0);
    stat.session = field(3, 0);
    stat.utime = quint64(field(11, 0));
    stat.stime = quint64(field(12, 0));
    stat.threads = int(field(17, 1));
    stat.startTime = quint64(field(19, 0));
    return stat;
}

std::optional<ProcIo> parseIo(const QByteArray &text)
{
    ProcIo io;
    bool haveRchar = false;
    bool haveWchar = false;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray key = line.left(colon);
        quint64 *target = key == "rchar" ? &io.rchar : key == "wchar" ? &io.wchar
                        : key == "syscr" ? &io.syscr : key == "syscw" ? &io.syscw : nullptr;
        const std::optional<quint64> value = toCounter(line.mid(colon + 1).trimmed());
        if (target && value) {
            *target = *value;
            // Each key once: two rchar lines are not an rchar and a wchar.
            haveRchar = haveRchar || target == &io.rchar;
            haveWchar = haveWchar || target == &io.wchar;
        }
    }
    return haveRchar && haveWchar ? std::optional<ProcIo>(io) : std::nullopt;
}

std::optional<ProcSchedstat> parseSchedstat(const QByteArray &text)
{
    const QList<QByteArray> fields = text.simplified().split(' ');
    const std::optional<quint64> run = toCounter(fields.value(0));
    const std::optional<quint64> wait = toCounter(fields.value(1));
    if (!run || !wait)
        return std::nullopt;
    return ProcSchedstat { *run, *wait };
}

ProcStatus parseStatus(const QByteArray &text)
{
    ProcStatus status;
    status.pidNamespaceDepth = pidNamespaceDepth(text);
    const qsizetype at = text.startsWith("Uid:") ? 0 : text.indexOf("\nUid:");
    if (at >= 0) {
        const qsizetype start = text.indexOf(':', at) + 1;
        const QByteArray uid = text.mid(start, text.indexOf('\n', start) - start).simplified();
        bool ok = false;
        const uint value = uid.split(' ').value(0).toUInt(&ok);
        if (ok)
            status.uid = value;
    }
    return status;
}

QStringList parseCmdline(const QByteArray &text)
{
    QStringList arguments;
    if (text.isEmpty())
        return arguments;
    const QByteArray body = text.endsWith('\0') ? text.chopped(1) : text;
    for (const QByteArray &argument : body.split('\0'))
        arguments << QString::fromUtf8(argument);
    return arguments;
}

QString commandLine(const QStringList &arguments, const QString &comm)
{
    const QString joined = arguments.join(u' ');
    if (joined.trimmed().isEmpty())
        return QLatin1Char('[') + comm + QLatin1Char(']');
    return joined;
}

QString parseWchan(const QByteArray &text)
{
    const QByteArray name = text.trimmed();
    if (name.isEmpty() || name == "0")
        return QString();
    return QString::fromLatin1(name);
}

WaitKind classifyWchan(const QString &wchan)
{
    if (wchan.isEmpty())
        return WaitKind::None;
    if (wchan == u"wait_for_partner")
        return WaitKind::FifoOpen;
    if (wchan.endsWith(u"pipe_read") || wchan == u"pipe_wait_readable")
        return WaitKind::PipeRead;
    if (wchan.endsWith(u"pipe_write") || wchan == u"pipe_wait_writable")
        return WaitKind::PipeWrite;
    if (wchan == u"pipe_wait")
        return WaitKind::PipeEither;
    if (wchan.contains(u"poll") || wchan.contains(u"select"))
        return WaitKind::Poll;
    return WaitKind::Other;
}

int pidNamespaceDepth(const QByteArray &status)
{
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith("NSpid:"))
            return int(line.mid(6).simplified().split(' ').size());
    }
    return 0;
}

std::optional<FdInfo> parseFdInfo(const QByteArray &text)
{
    FdInfo info;
    bool haveFlags = false;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray key = line.left(colon);
        const QByteArray value = line.mid(colon + 1).trimmed();
        bool ok = false;
        if (key == "flags") {
            info.flags = int(value.toUInt(&ok, 8)); // octal, see proc(5)
            haveFlags = ok;
        } else if (key == "mnt_id") {
            info.mntId = value.toInt(&ok);
        } else if (key == "ino") {
            const quint64 inode = value.toULongLong(&ok);
            if (ok)
                info.inode = inode;
        }
    }
    return haveFlags ? std::optional<FdInfo>(info) : std::nullopt;
}

FdTarget::Kind targetKind(const QByteArray &link)
{
    if (link.startsWith("pipe:["))
        return FdTarget::Kind::Pipe;
    // "socket:[N]", "anon_inode:[eventfd]", "net:[N]": a lower-case type and a colon, no path.
    // Real /proc paths are absolute; fixtures may use relative ones.
    if (link.isEmpty())
        return FdTarget::Kind::Other;
    if (link.startsWith('/'))
        return FdTarget::Kind::Path;
    const qsizetype colon = link.indexOf(':');
    bool typed = colon > 0;
    for (qsizetype i = 0; typed && i < colon; ++i)
        typed = (link.at(i) >= 'a' && link.at(i) <= 'z') || link.at(i) == '_';
    return typed ? FdTarget::Kind::Other : FdTarget::Kind::Path;
}

FdTarget parseFdTarget(const QByteArray &link)
{
    FdTarget target;
    switch (targetKind(link)) {
    case FdTarget::Kind::Pipe: {
        // In place, without a copy: most fds of a pipeline are pipes.
        quint64 inode = 0;
        const char *digits = link.constData() + 6;
        const char *last = link.constData() + link.size() - 1;
        if (link.endsWith(']') && last > digits && std::from_chars(digits, last, inode).ptr == last) {
            target.kind = FdTarget::Kind::Pipe;
            target.inode = inode;
        }
        return target;
    }
    case FdTarget::Kind::Path: {
        static const QByteArray deletedSuffix(" (deleted)");
        target.kind = FdTarget::Kind::Path;
        target.deleted = link.endsWith(deletedSuffix);
        target.path = QString::fromUtf8(target.deleted ? link.chopped(deletedSuffix.size()) : link);
        return target;
    }
    case FdTarget::Kind::Other:
        break;
    }
    return target;
}

EndpointMode modeFromFlags(int flags)
{
    switch (flags & O_ACCMODE) {
    case O_WRONLY:
        return EndpointMode::Write;
    case O_RDWR:
        return EndpointMode::ReadWrite;
    default:
        return EndpointMode::Read;
    }
}

std::optional<EndpointMode> modeFromLinkPermissions(unsigned int mode)
{
    switch (mode & 0777) {
    case 0500:
        return EndpointMode::Read;
    case 0300:
        return EndpointMode::Write;
    case 0700:
        return EndpointMode::ReadWrite;
    default:
        return std::nullopt;
    }
}

} // namespace ProcParsers

QString endpointModeName(EndpointMode mode)
{
    switch (mode) {
    case EndpointMode::Read:
        return QStringLiteral("r");
    case EndpointMode::Write:
        return QStringLiteral("w");
    case EndpointMode::ReadWrite:
        return QStringLiteral("rw");
    }
    return QString();
}

} // namespace PipeScope
