#include "labeventlog.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

namespace PipeScope {

namespace {

QString pendingKey(int pipeId, const QString &end, const QString &event)
{
    return QString::number(pipeId) + u'/' + end + u'/' + event;
}

QString coalescedDetail(const QString &event, qint64 bytes, qint64 count)
{
    const QString unit = event == u"write" ? QStringLiteral("write") : QStringLiteral("chunk");
    return QStringLiteral("%1 bytes in %2 %3%4")
            .arg(bytes)
            .arg(count)
            .arg(unit, count == 1 ? QString() : QStringLiteral("s"));
}

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

QString seconds(qint64 ns)
{
    return QString::number(double(ns) / 1e9, 'f', 6);
}

} // namespace

LabEventLog::LabEventLog(QObject *parent) : QObject(parent)
{
    m_clock.start();
}

void LabEventLog::append(int pipeId, const QString &pipe, const QString &end,
                         const QString &event, const QString &detail)
{
    appendPending();
    LabEvent entry;
    entry.timeNs = elapsedNs();
    entry.pipeId = pipeId;
    entry.pipe = pipe;
    entry.end = end;
    entry.event = event;
    entry.detail = detail;
    push(std::move(entry));
    Q_EMIT changed();
}

void LabEventLog::noteData(int pipeId, const QString &pipe, const QString &end,
                           const QString &event, qint64 bytes, qint64 count)
{
    Pending &pending = m_pending[pendingKey(pipeId, end, event)];
    if (pending.count == 0 && pending.bytes == 0) {
        pending.pipeId = pipeId;
        pending.pipe = pipe;
        pending.end = end;
        pending.event = event;
        pending.firstNs = elapsedNs();
    }
    pending.bytes += bytes;
    pending.count += count;
}

void LabEventLog::flush()
{
    if (m_pending.isEmpty())
        return;
    appendPending();
    Q_EMIT changed();
}

void LabEventLog::clear()
{
    m_entries.clear();
    m_pending.clear();
    Q_EMIT changed();
}

void LabEventLog::appendPending()
{
    // Every pipe's pending data goes in before any new event, in the order its first chunk
    // arrived, so the timeline stays ordered by time across pipes.
    std::vector<Pending> pending;
    pending.reserve(m_pending.size());
    for (const Pending &p : std::as_const(m_pending))
        pending.push_back(p);
    m_pending.clear();
    std::sort(pending.begin(), pending.end(),
              [](const Pending &a, const Pending &b) { return a.firstNs < b.firstNs; });
    for (const Pending &p : pending) {
        LabEvent entry;
        entry.timeNs = p.firstNs;
        entry.pipeId = p.pipeId;
        entry.pipe = p.pipe;
        entry.end = p.end;
        entry.event = p.event;
        entry.bytes = p.bytes;
        entry.count = p.count;
        entry.detail = coalescedDetail(p.event, p.bytes, p.count);
        push(std::move(entry));
    }
}

void LabEventLog::push(LabEvent event)
{
    event.seq = m_nextSeq++;
    m_entries.push_back(std::move(event));
    while (m_entries.size() > size_t(MaxEntries))
        m_entries.pop_front();
}

QByteArray LabEventLog::toJsonLines() const
{
    QByteArray out;
    for (const LabEvent &e : m_entries) {
        QJsonObject object{ { QStringLiteral("t"), double(e.timeNs) / 1e9 },
                            { QStringLiteral("pipe"), e.pipe },
                            { QStringLiteral("end"), e.end },
                            { QStringLiteral("event"), e.event },
                            { QStringLiteral("detail"), e.detail } };
        if (e.bytes >= 0) {
            object.insert(QStringLiteral("bytes"), e.bytes);
            object.insert(QStringLiteral("count"), e.count);
        }
        out += QJsonDocument(object).toJson(QJsonDocument::Compact);
        out += '\n';
    }
    return out;
}

QByteArray LabEventLog::toCsv() const
{
    QByteArray out = "t,pipe,end,event,detail,bytes,count\r\n";
    for (const LabEvent &e : m_entries) {
        out += seconds(e.timeNs).toUtf8() + ',' + csvField(e.pipe) + ',' + csvField(e.end) + ','
                + csvField(e.event) + ',' + csvField(e.detail) + ','
                + (e.bytes >= 0 ? QByteArray::number(e.bytes) : QByteArray()) + ','
                + (e.count >= 0 ? QByteArray::number(e.count) : QByteArray()) + "\r\n";
    }
    return out;
}

bool LabEventLog::exportTo(const QString &path, bool csv, Error *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = Error(QStringLiteral("open %1: %2").arg(path, file.errorString()));
        return false;
    }
    file.write(csv ? toCsv() : toJsonLines());
    if (!file.commit()) {
        if (error)
            *error = Error(QStringLiteral("write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

} // namespace PipeScope
