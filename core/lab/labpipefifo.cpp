// LabPipe's FIFO side: the path is checked (ours, or an existing FIFO the user chose) and both
// ends are checked to be the inode that was checked, so a FIFO swapped in between is refused.
#include "labpipe.h"

#include "fifowriteropener.h"
#include "labeventlog.h"
#include "lablogging.h"
#include "pipeopeners.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QFile>

#include <sys/stat.h>
#include <unistd.h>

namespace PipeScope {

void LabPipe::connectFifoOpener()
{
    m_fifoOpener = new FifoWriterOpener(this);
    const QString end = QStringLiteral("writer");
    connect(m_fifoOpener, &FifoWriterOpener::waitingForReader, this, [this, end] {
        log(end, QStringLiteral("waitingForReader"),
            QStringLiteral("open(O_WRONLY) of %1 waits until a reader opens it").arg(m_fifoPath));
    });
    connect(m_fifoOpener, &FifoWriterOpener::connected, this, [this, end](int fd) {
        Error problem;
        if (!isCheckedFifo(fd, &problem)) {
            qCWarning(lcLab, "%s: %s", qUtf8Printable(m_name), qUtf8Printable(problem.message()));
            log(end, QStringLiteral("error"), problem.message());
            Sys::close(fd);
        } else if (!m_writer->open(fd)) {
            log(end, QStringLiteral("error"), m_writer->errorString());
            Sys::close(fd);
        } else {
            writePending(); // what send() kept while the open waited, in order
        }
    });
    connect(m_fifoOpener, &FifoWriterOpener::failed, this, [this, end](const QString &message) {
        qCWarning(lcLab, "%s: %s", qUtf8Printable(m_name), qUtf8Printable(message));
        log(end, QStringLiteral("error"), message);
    });
}

bool LabPipe::checkFifoAtPath(FifoAccess access, Error *error)
{
    if (access == FifoAccess::OursOnly && !Openers::makeFifo(m_fifoPath, error))
        return false;
    struct stat st {};
    const QByteArray native = QFile::encodeName(m_fifoPath);
    const int result = access == FifoAccess::OursOnly ? ::lstat(native.constData(), &st)
                                                      : ::stat(native.constData(), &st);
    if (result != 0) {
        const int code = errno;
        return Error::report(error, Error::fromErrno(code, QStringLiteral("stat ") + m_fifoPath));
    }
    if (!S_ISFIFO(st.st_mode) || (access == FifoAccess::OursOnly && st.st_uid != ::geteuid()))
        return Error::report(error, Error(QStringLiteral("%1 changed while it was checked: refusing it").arg(m_fifoPath)));
    m_fifoDevice = quint64(st.st_dev);
    m_fifoInode = quint64(st.st_ino);
    if (st.st_uid != ::geteuid())
        log(QStringLiteral("pipe"), QStringLiteral("existing FIFO"),
            QStringLiteral("%1 belongs to %2: it may read what the lab writes").arg(m_fifoPath, Openers::ownerName(st.st_uid)));
    return true;
}

bool LabPipe::isCheckedFifo(int fd, Error *error) const
{
    struct stat st {};
    if (::fstat(fd, &st) == 0 && quint64(st.st_dev) == m_fifoDevice && quint64(st.st_ino) == m_fifoInode)
        return true;
    if (error)
        *error = Error(QStringLiteral("%1 was replaced after it was checked (now inode %2, was %3): not using it")
                         .arg(m_fifoPath)
                         .arg(quint64(st.st_ino))
                         .arg(m_fifoInode));
    return false;
}

bool LabPipe::openFifo(const QString &path, bool openReader, Error *error, FifoAccess access)
{
    m_fifoPath = path;
    if (!checkFifoAtPath(access, error))
        return false;
    connectFifoOpener();
    if (!m_fifoOpener->start(path)) {
        if (error)
            *error = m_fifoOpener->lastError();
        return false;
    }
    return !openReader || openFifoReader(error);
}

bool LabPipe::openFifoReader(Error *error)
{
    if (m_kind != Kind::Fifo || m_reader->isOpen() || m_reader->isLost()) {
        if (error)
            *error = Error(QStringLiteral("the lab's reader of %1 is already open or was closed").arg(m_name));
        return false;
    }
    const int fd = Openers::openFifoReader(m_fifoPath, error);
    if (fd < 0)
        return false;
    if (!isCheckedFifo(fd, error)) {
        Sys::close(fd);
        return false;
    }
    if (!m_reader->open(fd)) {
        if (error)
            *error = m_reader->lastError();
        Sys::close(fd);
        return false;
    }
    return true;
}

} // namespace PipeScope
