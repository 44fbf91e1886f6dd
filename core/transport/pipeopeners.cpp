#include "pipeopeners.h"

#include "fd.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QFile>

#include <cstring>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace PipeScope::Openers {

std::optional<PipeFds> anonymousPipe(Error *error)
{
    int fds[2];
    if (Sys::pipe2(fds, 0) != 0) {
        Error::report(error, Error::fromErrno(errno, QStringLiteral("pipe2")));
        return std::nullopt;
    }
    return PipeFds { fds[0], fds[1] };
}

bool openAnonymousPipe(ReadPipeTransport *reader, WritePipeTransport *writer, Error *error)
{
    const std::optional<PipeFds> fds = anonymousPipe(error);
    if (!fds)
        return false;
    Fd readEnd(fds->read);
    Fd writeEnd(fds->write);
    if (!reader->open(readEnd.get()))
        return Error::report(error, reader->lastError());
    readEnd.release();
    if (!writer->open(writeEnd.get())) {
        Error::report(error, writer->lastError());
        reader->abort();
        return false;
    }
    writeEnd.release();
    return true;
}

bool makeFifo(const QString &path, Error *error, int mode)
{
    const QByteArray native = QFile::encodeName(path);
    if (::mkfifo(native.constData(), mode_t(mode)) == 0)
        return true;
    const int err = errno;
    struct stat st {};
    // lstat: a symlink is not followed to whatever FIFO it names.
    if (err != EEXIST || ::lstat(native.constData(), &st) != 0)
        return Error::report(error, Error::fromErrno(err, QStringLiteral("mkfifo ") + path));
    // EEXIST with something else there: refusals of our own (code 0).
    if (S_ISLNK(st.st_mode)) {
        return Error::report(error, Error(QStringLiteral("mkfifo %1: exists and is a symbolic link of %2; "
                                                         "refusing to follow it")
                                                  .arg(path, ownerName(st.st_uid))));
    }
    if (!S_ISFIFO(st.st_mode))
        return Error::report(error, Error(QStringLiteral("mkfifo %1: exists and is not a FIFO").arg(path)));
    if (st.st_uid != ::geteuid()) {
        return Error::report(error, Error(QStringLiteral("mkfifo %1: exists and is a FIFO of %2, not ours: whoever "
                                                         "owns it reads what we write; open it as an existing "
                                                         "FIFO to use it anyway")
                                                  .arg(path, ownerName(st.st_uid))));
    }
    return true;
}

QString ownerName(uint uid)
{
    passwd entry {};
    passwd *found = nullptr;
    char buffer[1024];
    if (::getpwuid_r(uid_t(uid), &entry, buffer, sizeof buffer, &found) == 0 && found)
        return QStringLiteral("user %1 (uid %2)").arg(QString::fromLocal8Bit(found->pw_name)).arg(uid);
    return QStringLiteral("uid %1").arg(uid);
}

int openFifoReader(const QString &path, Error *error)
{
    const QByteArray native = QFile::encodeName(path);
    // O_NONBLOCK: a blocking O_RDONLY open waits until a writer opens (fifo(7)).
    Fd fd(Sys::open(native.constData(), O_RDONLY | O_NONBLOCK));
    if (!fd) {
        const int code = errno;
        Error::report(error, Error::fromErrno(code, QStringLiteral("open ") + path));
        return -1;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISFIFO(st.st_mode)) {
        Error::report(error, Error(QStringLiteral("%1 is not a FIFO").arg(path)));
        return -1;
    }
    return fd.release();
}

} // namespace PipeScope::Openers
