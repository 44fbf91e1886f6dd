#include "fifowriteropener.h"

#include "fd.h"
#include "sys.h"

#include <QFile>

#include <cstring>
#include <sys/stat.h>

namespace PipeScope {

FifoWriterOpener::FifoWriterOpener(QObject *parent) : QObject(parent)
{
    m_retry.setInterval(RetryIntervalMs);
    connect(&m_retry, &QTimer::timeout, this, &FifoWriterOpener::tryOpen);
}

FifoWriterOpener::~FifoWriterOpener() = default;

bool FifoWriterOpener::start(const QString &path)
{
    cancel();
    m_path = path;
    m_error = Error();
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        const int code = errno;
        m_error = Error::fromErrno(code, QStringLiteral("stat ") + path);
        return false;
    }
    if (!S_ISFIFO(st.st_mode)) {
        m_error = Error(QStringLiteral("%1 is not a FIFO").arg(path));
        return false;
    }
    m_waiting = true;
    m_announcedWaiting = false;
    // The first attempt runs from the event loop too, so connected() never arrives inside start().
    m_retry.start(0);
    return true;
}

void FifoWriterOpener::cancel()
{
    if (!m_waiting)
        return;
    m_waiting = false;
    m_retry.stop();
    Q_EMIT cancelled();
}

void FifoWriterOpener::tryOpen()
{
    m_retry.setInterval(RetryIntervalMs);
    // O_NONBLOCK turns the blocking wait for a reader into ENXIO (fifo(7)); polling the open
    // keeps the event loop free, which a blocking open() in the GUI thread would not.
    Fd fd(Sys::open(QFile::encodeName(m_path).constData(), O_WRONLY | O_NONBLOCK));
    if (fd) {
        m_waiting = false;
        m_retry.stop();
        Q_EMIT connected(fd.release());
        return;
    }
    const int err = errno;
    if (err == ENXIO) {
        if (!m_announcedWaiting) {
            m_announcedWaiting = true;
            Q_EMIT waitingForReader();
        }
        return;
    }
    m_waiting = false;
    m_retry.stop();
    m_error = Error::fromErrno(err, QStringLiteral("open ") + m_path);
    Q_EMIT failed(m_error.message());
}

} // namespace PipeScope
