// LabPipe's sending side: text, hex and files the user writes into the pipe, and the bytes kept
// while a FIFO still waits for its reader (written once it opens, never dropped unannounced).
#include "labpipe.h"

#include "labeventlog.h"
#include "writepipetransport.h"

#include <QFile>
#include <QFileInfo>
#include <QMetaEnum>
#include <QRegularExpression>

#include <utility>

namespace PipeScope {

void LabPipe::send(const QByteArray &data)
{
    if (!m_writer || data.isEmpty())
        return;
    const WriterState state = writerState();
    if (state == WriterState::WaitingForReader) {
        m_pendingUntilOpen += data;
        log(QStringLiteral("writer"), QStringLiteral("queued"),
            QStringLiteral("%1 bytes kept until a reader opens %2 (%3 waiting)")
                    .arg(data.size())
                    .arg(m_fifoPath)
                    .arg(m_pendingUntilOpen.size()));
        return;
    }
    if (!m_writer->isOpen() || m_writer->isClosing()) {
        log(QStringLiteral("writer"), QStringLiteral("dropped"),
            QStringLiteral("%1 bytes not written: the writer is %2")
                    .arg(data.size())
                    .arg(QString::fromLatin1(QMetaEnum::fromType<WriterState>().valueToKey(int(state))).toLower()));
        return;
    }
    m_writer->write(data);
    if (m_log)
        m_log->noteData(m_id, m_name, QStringLiteral("writer"), QStringLiteral("write"), data.size());
}

void LabPipe::writePending()
{
    if (m_pendingUntilOpen.isEmpty())
        return;
    const QByteArray pending = std::exchange(m_pendingUntilOpen, QByteArray());
    m_writer->write(pending);
    if (m_log)
        m_log->noteData(m_id, m_name, QStringLiteral("writer"), QStringLiteral("write"), pending.size());
}

bool LabPipe::sendHex(const QString &hex, Error *error)
{
    const std::optional<QByteArray> bytes = parseHex(hex, error);
    if (!bytes)
        return false;
    send(*bytes);
    return true;
}

bool LabPipe::sendFile(const QString &path, Error *error)
{
    const QFileInfo info(path);
    QString problem;
    if (!info.exists())
        problem = QStringLiteral("open %1: No such file or directory").arg(path);
    else if (!info.isFile())
        problem = QStringLiteral("%1 is not a regular file").arg(path);
    else if (info.size() > MaxSendFileSize)
        problem = QStringLiteral("%1 is larger than %2 MiB").arg(path).arg(MaxSendFileSize >> 20);
    QFile file(path);
    if (problem.isEmpty() && !file.open(QIODevice::ReadOnly))
        problem = QStringLiteral("open %1: %2").arg(path, file.errorString());
    if (!problem.isEmpty()) {
        if (error)
            *error = Error(problem);
        return false;
    }
    send(file.readAll());
    return true;
}

std::optional<QByteArray> LabPipe::parseHex(const QString &hex, Error *error)
{
    QByteArray out;
    const QStringList tokens = hex.split(QRegularExpression(QStringLiteral("[\\s,:;]+")), Qt::SkipEmptyParts);
    for (QString token : tokens) {
        const QString original = token;
        if (token.startsWith(u"0x", Qt::CaseInsensitive))
            token = token.mid(2);
        const QByteArray decoded = QByteArray::fromHex(token.toLatin1());
        const bool valid = !token.isEmpty() && token.size() % 2 == 0
                && token.contains(QRegularExpression(QStringLiteral("^[0-9a-fA-F]+$")));
        if (!valid) {
            if (error)
                *error = Error(QStringLiteral("invalid hex \"%1\": use pairs of 0-9 a-f, e.g. \"de ad be ef\"").arg(original));
            return std::nullopt;
        }
        out += decoded;
    }
    if (out.isEmpty()) {
        if (error)
            *error = Error(QStringLiteral("no hex bytes given"));
        return std::nullopt;
    }
    return out;
}

} // namespace PipeScope
