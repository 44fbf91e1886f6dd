#include "labpipe.h"

#include "fifowriteropener.h"
#include "labchild.h"
#include "labeventlog.h"
#include "labgenerator.h"
#include "lablogging.h"
#include "labslowconsumer.h"
#include "pipeopeners.h"
#include "pipeprobe.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

namespace PipeScope {

LabPipe::LabPipe(int id, Kind kind, const QString &name, LabEventLog *log, QObject *parent)
    : QObject(parent), m_id(id), m_kind(kind), m_name(name), m_log(log)
{
    if (kind != Kind::ChildStdout && kind != Kind::ChildStderr)
        createWriter();
    if (kind != Kind::ChildStdin)
        createReader();
}

LabPipe::~LabPipe() = default; // the transports are children: closed without signals

LabChild *LabPipe::child() const
{
    return m_child;
}

QString LabPipe::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Anonymous:
        return QStringLiteral("pipe");
    case Kind::Fifo:
        return QStringLiteral("FIFO");
    case Kind::ChildStdin:
        return QStringLiteral("child stdin");
    case Kind::ChildStdout:
        return QStringLiteral("child stdout");
    case Kind::ChildStderr:
        return QStringLiteral("child stderr");
    }
    return {};
}

QString LabPipe::errnoText(int error)
{
    if (error == EPIPE)
        return QStringLiteral("EPIPE (Broken pipe)");
    return QStringLiteral("errno %1 (%2)").arg(error).arg(Sys::errorText(error));
}

void LabPipe::log(const QString &end, const QString &event, const QString &detail) const
{
    if (m_log)
        m_log->append(m_id, m_name, end, event, detail);
}

void LabPipe::createWriter()
{
    m_writer = new WritePipeTransport(this);
    m_generator = new LabGenerator(m_writer, this);
    connectWriter();
    connect(m_generator, &LabGenerator::runningChanged, this, [this](bool running) {
        log(QStringLiteral("writer"), running ? QStringLiteral("generator started")
                                              : QStringLiteral("generator stopped"),
            QStringLiteral("%1 B/s in %2-byte writes")
                    .arg(m_generator->rate())
                    .arg(m_generator->chunkSize()));
    });
}

void LabPipe::createReader()
{
    m_reader = new ReadPipeTransport(this);
    m_consumer = new LabSlowConsumer(this);
    connectReader();
    connect(m_consumer, &LabSlowConsumer::throttlingChanged, this, &LabPipe::applyReading);
}

void LabPipe::connectWriter()
{
    const QString end = QStringLiteral("writer");
    connect(m_writer, &PipeTransport::connectionMade, this,
            [this, end] { log(end, QStringLiteral("connectionMade"), QStringLiteral("fd %1").arg(m_writer->fd())); });
    connect(m_writer, &WritePipeTransport::writingPaused, this, [this, end] {
        log(end, QStringLiteral("writingPaused"),
            QStringLiteral("buffer %1 B > high-water mark %2 B")
                    .arg(m_writer->writeBufferSize())
                    .arg(m_writer->writeBufferLimits().second));
    });
    connect(m_writer, &WritePipeTransport::writingResumed, this, [this, end] {
        log(end, QStringLiteral("writingResumed"),
            QStringLiteral("buffer %1 B <= low-water mark %2 B")
                    .arg(m_writer->writeBufferSize())
                    .arg(m_writer->writeBufferLimits().first));
    });
    connect(m_writer, &PipeTransport::connectionLost, this, [this, end](int error) {
        log(end, QStringLiteral("connectionLost"), error ? errnoText(error) : QStringLiteral("clean close"));
        m_generator->stop();
    });
}

void LabPipe::connectReader()
{
    const QString end = QStringLiteral("reader");
    connect(m_reader, &PipeTransport::connectionMade, this,
            [this, end] { log(end, QStringLiteral("connectionMade"), QStringLiteral("fd %1").arg(m_reader->fd())); });
    connect(m_reader, &ReadPipeTransport::dataReceived, this, &LabPipe::onDataReceived);
    connect(m_reader, &ReadPipeTransport::eofReceived, this, [this, end] {
        m_eof = true;
        log(end, QStringLiteral("eofReceived"));
    });
    connect(m_reader, &ReadPipeTransport::readingPaused, this, [this, end] {
        log(end, QStringLiteral("readingPaused"),
            m_userPaused ? QStringLiteral("Pause reading")
                         : QStringLiteral("slow consumer, max %1 B/s").arg(m_consumer->maxRate()));
    });
    connect(m_reader, &ReadPipeTransport::readingResumed, this,
            [this, end] { log(end, QStringLiteral("readingResumed")); });
    connect(m_reader, &PipeTransport::connectionLost, this, [this, end](int error) {
        log(end, QStringLiteral("connectionLost"), error ? errnoText(error) : QStringLiteral("clean close"));
    });
}

void LabPipe::onDataReceived(const QByteArray &data)
{
    if (data.size() >= ReceivedTailSize) {
        m_received = data.right(ReceivedTailSize);
    } else {
        const qsizetype excess = m_received.size() + data.size() - ReceivedTailSize;
        if (excess > 0)
            m_received.remove(0, excess);
        m_received.append(data);
    }
    if (m_log) {
        m_log->noteData(m_id, m_name, QStringLiteral("reader"), QStringLiteral("dataReceived"),
                        data.size());
        m_consumer->consumed(data.size(), m_log->elapsedNs());
    }
}

bool LabPipe::openAnonymous(Error *error)
{
    return Openers::openAnonymousPipe(m_reader, m_writer, error);
}

bool LabPipe::adoptChildFd(int fd, LabChild *child, Error *error)
{
    m_child = child;
    PipeTransport *ours = m_kind == Kind::ChildStdin ? static_cast<PipeTransport *>(m_writer)
                                                     : static_cast<PipeTransport *>(m_reader);
    if (!ours || !ours->open(fd)) {
        if (error)
            *error = ours ? ours->lastError() : Error(QStringLiteral("not a child pipe"));
        return false;
    }
    return true;
}

void LabPipe::writeEof()
{
    if (m_writer)
        m_writer->writeEof();
}

void LabPipe::closeWriter()
{
    m_pendingUntilOpen.clear(); // close() cancels the wait: they can never be written
    if (m_fifoOpener)
        m_fifoOpener->cancel();
    if (m_writer)
        m_writer->close();
}

void LabPipe::abortWriter()
{
    m_pendingUntilOpen.clear();
    if (m_fifoOpener)
        m_fifoOpener->cancel();
    if (m_writer)
        m_writer->abort();
}

bool LabPipe::setWriteBufferLimits(qint64 high, qint64 low, Error *error)
{
    if (!m_writer)
        return false;
    if (!m_writer->setWriteBufferLimits(high, low)) {
        if (error)
            *error = m_writer->lastError();
        return false;
    }
    return true;
}

void LabPipe::pauseReading()
{
    m_userPaused = true;
    applyReading();
}

void LabPipe::resumeReading()
{
    m_userPaused = false;
    applyReading();
}

void LabPipe::applyReading()
{
    if (!m_reader)
        return;
    if (m_userPaused || m_consumer->isThrottling())
        m_reader->pauseReading();
    else
        m_reader->resumeReading();
}

void LabPipe::closeReader()
{
    if (m_reader)
        m_reader->close();
}

void LabPipe::abortReader()
{
    if (m_reader)
        m_reader->abort();
}

int LabPipe::kernelFd() const
{
    if (m_reader && m_reader->fd() >= 0)
        return m_reader->fd();
    return m_writer ? m_writer->fd() : -1;
}

std::optional<int> LabPipe::setCapacity(int bytes, Error *error)
{
    const int fd = kernelFd();
    if (fd < 0) {
        if (error)
            *error = Error(QStringLiteral("%1: no end of this pipe is open in the lab").arg(m_name));
        return std::nullopt;
    }
    Error failed;
    const std::optional<int> set = PipeProbe::forFd(fd).setCapacity(bytes, &failed);
    const QString problem = failed.message();
    log(QStringLiteral("pipe"), QStringLiteral("F_SETPIPE_SZ"),
        set ? QStringLiteral("asked %1, capacity now %2").arg(bytes).arg(*set)
            : QStringLiteral("asked %1, refused: %2").arg(bytes).arg(problem));
    if (!set && error)
        *error = failed;
    return set;
}

std::optional<QByteArray> LabPipe::peek(qsizetype n, Error *error) const
{
    const int fd = kernelFd();
    if (fd < 0) {
        if (error)
            *error = Error(QStringLiteral("no end of this pipe is open in the lab"));
        return std::nullopt;
    }
    return PipeProbe::forFd(fd).peek(n, error);
}

quint64 LabPipe::bytesRead() const
{
    return m_reader ? m_reader->bytesReceived() : 0;
}

qint64 LabPipe::bytesWritten() const
{
    return m_writer ? qint64(m_writer->bytesWritten()) : -1;
}

quint64 LabPipe::receivedTailOffset() const
{
    return bytesRead() - quint64(m_received.size());
}

void LabPipe::retire()
{
    m_log = nullptr;
    if (m_generator)
        m_generator->stop();
    abortWriter();
    abortReader();
}

void LabPipe::tick(qint64 nowNs)
{
    if (m_generator) {
        const quint64 before = m_generator->bytesGenerated();
        m_generator->tick(nowNs);
        const quint64 generated = m_generator->bytesGenerated() - before;
        if (generated && m_log)
            m_log->noteData(m_id, m_name, QStringLiteral("writer"), QStringLiteral("write"),
                            qint64(generated), qint64(generated / quint64(m_generator->chunkSize())));
    }
    if (m_consumer)
        m_consumer->tick(nowNs);
}

} // namespace PipeScope
