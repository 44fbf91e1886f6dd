#include "lessontools.h"

#include "fifowriteropener.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QFile>

#include <csignal>
#include <cstring>
#include <ctime>

namespace PipeScope::LessonTools {

int capacity(int fd)
{
    return Sys::fcntl(fd, F_GETPIPE_SZ);
}

int setCapacity(int fd, int bytes)
{
    return Sys::fcntl(fd, F_SETPIPE_SZ, bytes);
}

bool setNonBlocking(int fd)
{
    const int flags = Sys::fcntl(fd, F_GETFL);
    return flags >= 0 && Sys::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

FillResult fill(int fd, int chunk, qint64 limit)
{
    FillResult result;
    const QByteArray data(chunk, 'x');
    while (result.bytes < limit) {
        const ssize_t n = Sys::write(fd, data.constData(), size_t(chunk));
        if (n < 0) {
            result.error = errno;
            break;
        }
        result.bytes += n;
        ++result.writes;
    }
    return result;
}

qint64 drain(int fd, QByteArray *sink, bool *eof, int readSize)
{
    qint64 total = 0;
    QByteArray buffer(readSize, Qt::Uninitialized);
    if (eof)
        *eof = false;
    for (;;) {
        const ssize_t n = Sys::read(fd, buffer.data(), size_t(readSize));
        if (n == 0 && eof)
            *eof = true;
        if (n <= 0)
            return total;
        total += n;
        if (sink)
            sink->append(buffer.constData(), n);
    }
}

QuietWrite writeWithoutSigpipe(int fd, const void *data, size_t size)
{
    sigset_t pipeOnly, old, pending;
    sigemptyset(&pipeOnly);
    sigaddset(&pipeOnly, SIGPIPE);
    sigpending(&pending);
    const bool wasPending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeOnly, &old);
    QuietWrite result;
    result.result = Sys::write(fd, data, size);
    result.error = result.result < 0 ? errno : 0;
    // Only consume a SIGPIPE this write raised; one that was pending before belongs to
    // someone else.
    if (result.error == EPIPE && !wasPending) {
        const timespec zero {};
        result.sigpipeRaised
            = Sys::retryOnEintr([&] { return sigtimedwait(&pipeOnly, nullptr, &zero); }) == SIGPIPE;
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return result;
}

bool writeWhenFifoOpens(const QString &path, const QByteArray &data, FifoWriterOpener &opener,
                        WritePipeTransport &writer, Error *error)
{
    QObject::connect(&opener, &FifoWriterOpener::connected, &writer, [&writer, data](int fd) {
        if (writer.open(fd)) {
            writer.write(data);
            writer.writeEof();
        } else {
            Sys::close(fd);
        }
    });
    if (opener.start(path))
        return true;
    *error = opener.lastError();
    return false;
}

QString errnoName(int error)
{
    if (error == 0)
        return QStringLiteral("no error");
    if (const char *name = strerrorname_np(error))
        return QString::fromLatin1(name);
    return QString::number(error);
}

QString errnoText(int error)
{
    return QStringLiteral("%1 (%2)").arg(errnoName(error), Sys::errorText(error));
}

QString bytes(qint64 n)
{
    const QString plain = n == 1 ? QStringLiteral("1 byte") : QStringLiteral("%1 bytes").arg(n);
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        return QStringLiteral("%1 (%2 MiB)").arg(plain).arg(n / (1024 * 1024));
    if (n >= 4096 && n % 1024 == 0)
        return QStringLiteral("%1 (%2 KiB)").arg(plain).arg(n / 1024);
    return plain;
}

qint64 procSysFs(const QString &name)
{
    QFile file(QStringLiteral("/proc/sys/fs/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    bool ok = false;
    const qint64 value = file.readAll().trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

bool hasCapability(int capability)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("CapEff:")) {
            bool ok = false;
            const quint64 mask = line.mid(7).trimmed().toULongLong(&ok, 16);
            return ok && (mask >> capability) & 1;
        }
    }
    return false;
}

quint64 inode(int fd)
{
    struct stat st { };
    return Sys::fstat(fd, &st) == 0 ? quint64(st.st_ino) : 0;
}

QString fdLink(qint64 pid, int fd)
{
    const QByteArray path = QStringLiteral("/proc/%1/fd/%2").arg(pid).arg(fd).toLocal8Bit();
    char buffer[4096];
    const ssize_t n = Sys::readlink(path.constData(), buffer, sizeof buffer);
    return n > 0 ? QString::fromLocal8Bit(buffer, n) : QString();
}

} // namespace PipeScope::LessonTools
