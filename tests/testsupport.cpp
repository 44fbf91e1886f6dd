#include "testsupport.h"

#include <pipescope/pipetransport.h>
#include <pipescope/sys.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>
#include <cstdio>

namespace PipeScope::Test {

std::pair<int, int> makePipe()
{
    int fds[2];
    if (Sys::pipe2(fds, 0) != 0) {
        std::perror("pipe2");
        std::abort();
    }
    return { fds[0], fds[1] };
}

int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

QMap<int, QString> fdLinks(qint64 pid)
{
    QMap<int, QString> links;
    const QString dir = QStringLiteral("/proc/%1/fd").arg(pid);
    for (const QString &name : QDir(dir).entryList(QDir::Files | QDir::System))
        links.insert(name.toInt(), QFile::symLinkTarget(dir + u'/' + name).section(u'/', -1));
    return links;
}

bool isClosedFd(int fd)
{
    return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

bool isNonBlocking(int fd)
{
    const int flags = Sys::fcntl(fd, F_GETFL);
    return flags != -1 && (flags & O_NONBLOCK);
}

int queued(int fd)
{
    return Sys::queuedBytes(fd);
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    std::vector<quint32> words(size_t(size + 3) / 4);
    QRandomGenerator(seed).fillRange(words.data(), qsizetype(words.size()));
    return QByteArray(reinterpret_cast<const char *>(words.data()), size);
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = Sys::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

QByteArray readAll(int fd)
{
    QByteArray all;
    char buffer[65536];
    for (;;) {
        const ssize_t n = Sys::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            return all;
        all.append(buffer, n);
    }
}

QString helperPath(const QString &name)
{
    return QDir(qEnvironmentVariable("PIPESCOPE_TEST_HELPERS")).filePath(name);
}

QString fixturePath(const QString &name)
{
    return QDir(qEnvironmentVariable("PIPESCOPE_TEST_FIXTURES")).filePath(name);
}

CommandResult runCommand(const QString &program, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(program, arguments);
    CommandResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = QString::fromLocal8Bit(process.readAllStandardError());
    return result;
}

CommandResult runAsNobody(const QString &program, const QStringList &arguments)
{
    return runCommand(QStringLiteral("setpriv"),
                      QStringList { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                    QStringLiteral("--clear-groups"), program }
                              + arguments);
}

bool nobodyCanRun(const QString &path)
{
    return runAsNobody(QStringLiteral("test"), { QStringLiteral("-x"), path }).exitCode == 0;
}

bool waitForConnectionMade(const QList<PipeTransport *> &transports, int timeoutMs)
{
    std::vector<std::unique_ptr<QSignalSpy>> spies;
    for (PipeTransport *transport : transports)
        spies.push_back(std::make_unique<QSignalSpy>(transport, &PipeTransport::connectionMade));
    return QTest::qWaitFor([&] {
        return std::all_of(spies.begin(), spies.end(), [](const auto &spy) { return spy->size() == 1; });
    }, timeoutMs);
}

} // namespace PipeScope::Test
