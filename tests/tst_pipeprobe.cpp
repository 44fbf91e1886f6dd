// PipeProbe on real pipes, FIFOs and child processes: queued bytes, capacity, resizing, peek,
// the non-destructive rules (docs/kernel-behaviour.md §3, §4) and every error message.
#include "gatedreader.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/pipelimits.h>
#include <pipescope/pipeprobe.h>
#include <pipescope/sys.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>

#include <functional>
#include <grp.h>
#include <optional>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

using namespace PipeScope;
using PipeScope::Test::GatedReader;
using PipeScope::Test::readerLine;

namespace {

struct PipePair
{
    Fd read;
    Fd write;
};

PipePair pipePair()
{
    const auto [readEnd, writeEnd] = Test::makePipe();
    return { Fd(readEnd), Fd(writeEnd) };
}


qint64 ownPid()
{
    return QCoreApplication::applicationPid();
}

bool hasEffectiveCapability(int bit)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("CapEff:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> bit) & 1;
    }
    return false;
}

/// A pid that cannot exist: one above /proc/sys/kernel/pid_max.
qint64 impossiblePid()
{
    QFile file(QStringLiteral("/proc/sys/kernel/pid_max"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toLongLong() + 1 : 1LL << 31;
}

/// The "flags:" line of /proc/PID/fdinfo/FD (shows O_NONBLOCK and the access mode).
QByteArray fdinfoFlags(qint64 pid, int fd)
{
    QFile file(QStringLiteral("/proc/%1/fdinfo/%2").arg(pid).arg(fd));
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("flags:"))
            return line;
    }
    return QByteArray();
}

struct stat statusOf(int fd)
{
    struct stat status = {};
    Sys::fstat(fd, &status);
    return status;
}


/// Runs \a work in a forked child that became nobody (uid/gid 65534, no groups; dumpable again,
/// so its own /proc/PID/fd stays readable to it) and returns what \a work returned.
/// nullopt if the switch failed (not root).
std::optional<QByteArray> runAsNobody(const std::function<QByteArray()> &work)
{
    const auto [readEnd, writeEnd] = Test::makePipe();
    const pid_t child = ::fork();
    if (child == 0) {
        QByteArray out = "SWITCH-FAILED";
        if (::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0
            && ::setresuid(65534, 65534, 65534) == 0 && ::prctl(PR_SET_DUMPABLE, 1) == 0)
            out = work();
        Test::writeAll(writeEnd, out);
        ::_exit(0);
    }
    Sys::close(writeEnd);
    const QByteArray out = Test::readAll(readEnd);
    Sys::close(readEnd);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (child < 0 || out == "SWITCH-FAILED")
        return std::nullopt;
    return out;
}

QByteArray sampleLine(const PipeSample &sample)
{
    return QByteArray::number(sample.ok) + '|' + QByteArray::number(sample.error.code()) + '|'
            + QByteArray::number(sample.queued) + '|' + sample.error.message().toUtf8() + '\n';
}

} // namespace

class TestPipeProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queuedAndCapacity_data();
    void queuedAndCapacity();
    void setCapacity_data();
    void setCapacity();
    void setCapacityThroughProc();
    void setCapacityAbovePipeMax();
    void setCapacityBusy_data();
    void setCapacityBusy();
    void setCapacityNegative();
    void setCapacityPerUserLimit();
    void peekReturnsQueuedBytes_data();
    void peekReturnsQueuedBytes();
    void peekWholeMegabytePipe_data();
    void peekWholeMegabytePipe();
    void peekEmptyIsFast();
    void peekWithWritersClosed();
    void peekThroughWriteEnd();
    void ownFdLeftAsItWas();
    void childProcessPipe();
    void childProcessPipeWhileReading();
    void fifoByPath();
    void fifoDeleted();
    void errors();
    void notAPipe_data();
    void notAPipe();
    void permissionDenied();
    void fromSpec_data();
    void fromSpec();
    void fdNeverLeftOpen();
};

void TestPipeProbe::queuedAndCapacity_data()
{
    QTest::addColumn<QList<int>>("writes");
    QTest::addColumn<int>("capacityRequest"); // -1: the default
    QTest::addColumn<int>("capacity");
    QTest::newRow("empty") << QList<int>{} << -1 << 65536;
    QTest::newRow("one byte") << QList<int>{ 1 } << -1 << 65536;
    QTest::newRow("1234 then 10000") << QList<int>{ 1234, 10000 } << -1 << 65536;
    QTest::newRow("page multiples") << QList<int>{ 4096, 4096, 8192 } << -1 << 65536;
    QTest::newRow("default pipe full") << QList<int>{ 65536 } << -1 << 65536;
    QTest::newRow("4 KiB pipe full") << QList<int>{ 4096 } << 4096 << 4096;
    QTest::newRow("1 MiB pipe full") << QList<int>{ 524288, 524288 } << 1048576 << 1048576;
}

void TestPipeProbe::queuedAndCapacity()
{
    QFETCH(QList<int>, writes);
    QFETCH(int, capacityRequest);
    QFETCH(int, capacity);
    PipePair pipe = pipePair();
    if (capacityRequest >= 0)
        QCOMPARE(PipeProbe::forFd(pipe.write.get()).setCapacity(capacityRequest), capacity);
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).sample().queued, 0);
    qint64 total = 0;
    for (const int size : writes) {
        QVERIFY(Test::writeAll(pipe.write.get(), Test::randomBytes(size, quint32(total))));
        total += size;
    }
    const struct stat status = statusOf(pipe.read.get());
    for (const PipeProbe &probe : { PipeProbe::forFd(pipe.read.get()), PipeProbe::forFd(pipe.write.get()),
                                    PipeProbe::forProcessFd(ownPid(), pipe.read.get()),
                                    PipeProbe::forProcessFd(ownPid(), pipe.write.get()) }) {
        const PipeSample sample = probe.sample();
        QVERIFY2(sample.ok, qPrintable(sample.error.message()));
        QCOMPARE(sample.queued, total);
        QCOMPARE(sample.capacity, capacity);
        QCOMPARE(sample.inode, quint64(status.st_ino));
        QCOMPARE(sample.device, quint64(status.st_dev));
        QVERIFY(!sample.isFifo);
        QVERIFY(sample.fifoPath.isEmpty());
        QCOMPARE(sample.error.code(), 0);
    }
}

void TestPipeProbe::setCapacity_data()
{
    QTest::addColumn<int>("request");
    QTest::addColumn<int>("capacity");
    QTest::newRow("0 -> one page") << 0 << 4096;
    QTest::newRow("1") << 1 << 4096;
    QTest::newRow("4096") << 4096 << 4096;
    QTest::newRow("4097") << 4097 << 8192;
    QTest::newRow("12288") << 12288 << 16384;
    QTest::newRow("65536") << 65536 << 65536;
    QTest::newRow("100000") << 100000 << 131072;
    QTest::newRow("1000000") << 1000000 << 1048576;
    QTest::newRow("1048576") << 1048576 << 1048576;
}

void TestPipeProbe::setCapacity()
{
    QFETCH(int, request);
    QFETCH(int, capacity);
    PipePair pipe = pipePair();
    Error error;
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).setCapacity(request, &error), capacity);
    QVERIFY(error.message().isEmpty());
    QCOMPARE(Sys::fcntl(pipe.write.get(), F_GETPIPE_SZ), capacity);
    QCOMPARE(PipeProbe::forFd(pipe.write.get()).sample().capacity, capacity);
    QCOMPARE(PipeLimits::roundedCapacity(request), capacity);
}

void TestPipeProbe::setCapacityThroughProc()
{
    PipePair pipe = pipePair();
    QCOMPARE(PipeProbe::forProcessFd(ownPid(), pipe.read.get()).setCapacity(200000), 262144);
    QCOMPARE(Sys::fcntl(pipe.read.get(), F_GETPIPE_SZ), 262144);
    // Through the write end's /proc entry too: the probe still opens it read-only.
    QCOMPARE(PipeProbe::forProcessFd(ownPid(), pipe.write.get()).setCapacity(8192), 8192);
    QCOMPARE(Sys::fcntl(pipe.read.get(), F_GETPIPE_SZ), 8192);
}

void TestPipeProbe::setCapacityAbovePipeMax()
{
    if (hasEffectiveCapability(24)) // CAP_SYS_RESOURCE lifts pipe-max-size
        QSKIP("this process has CAP_SYS_RESOURCE, so sizes above pipe-max-size are allowed");
    const qint64 maxSize = PipeLimits::pipeMaxSize();
    QVERIFY(maxSize > 0);
    PipePair pipe = pipePair();
    Error error;
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).setCapacity(int(maxSize) + 1, &error), std::nullopt);
    QCOMPARE(error.message(), QStringLiteral("fcntl F_SETPIPE_SZ %1 on fd %2: Operation not permitted: "
                                   "%1 bytes is above /proc/sys/fs/pipe-max-size (%3), which "
                                   "needs CAP_SYS_RESOURCE")
                            .arg(maxSize + 1)
                            .arg(pipe.read.get())
                            .arg(maxSize));
    QCOMPARE(Sys::fcntl(pipe.read.get(), F_GETPIPE_SZ), 65536);
}

void TestPipeProbe::setCapacityBusy_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("writeSize");
    QTest::addColumn<int>("writeCount");
    QTest::addColumn<int>("shrinkTo");
    QTest::addColumn<QString>("why");
    // Five 2049-byte writes take five slots: 10245 bytes do not fit 4 slots although < 16384.
    QTest::newRow("slots, not bytes") << 65536 << 2049 << 5 << 16384
                                      << QStringLiteral("10245 bytes queued use at least 3 page "
                                                        "slots (more if written in pieces), more "
                                                        "than the 4 of the new size");
    QTest::newRow("100000 into 4096") << 262144 << 100000 << 1 << 4096
                                      << QStringLiteral("100000 bytes queued use at least 25 page "
                                                        "slots (more if written in pieces), more "
                                                        "than the 1 of the new size");
}

void TestPipeProbe::setCapacityBusy()
{
    QFETCH(int, capacity);
    QFETCH(int, writeSize);
    QFETCH(int, writeCount);
    QFETCH(int, shrinkTo);
    QFETCH(QString, why);
    PipePair pipe = pipePair();
    const PipeProbe probe = PipeProbe::forProcessFd(ownPid(), pipe.read.get());
    QCOMPARE(probe.setCapacity(capacity), capacity);
    for (int i = 0; i < writeCount; ++i)
        QVERIFY(Test::writeAll(pipe.write.get(), QByteArray(writeSize, 'x')));
    Error error;
    QCOMPARE(probe.setCapacity(shrinkTo, &error), std::nullopt);
    QCOMPARE(error.message(), QStringLiteral("fcntl F_SETPIPE_SZ %1 on /proc/%2/fd/%3: Device or resource "
                                   "busy: %4")
                            .arg(shrinkTo)
                            .arg(ownPid())
                            .arg(pipe.read.get())
                            .arg(why));
    QCOMPARE(probe.sample().capacity, capacity);
    QCOMPARE(probe.sample().queued, qint64(writeSize) * writeCount);
}

void TestPipeProbe::setCapacityNegative()
{
    PipePair pipe = pipePair();
    Error error;
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).setCapacity(-1, &error), std::nullopt);
    QCOMPARE(error.message(), QStringLiteral("fcntl F_SETPIPE_SZ -1 on fd %1: Invalid argument")
                            .arg(pipe.read.get()));
}

void TestPipeProbe::setCapacityPerUserLimit()
{
    if (PipeLimits::userPagesSoft() <= 0)
        QSKIP("pipe-user-pages-soft is 0: no per-user limit to hit");
    // nobody has neither CAP_SYS_RESOURCE nor CAP_SYS_ADMIN, so the soft limit applies to it.
    const std::optional<QByteArray> out = runAsNobody([] {
        std::vector<PipePair> pipes;
        for (int i = 0; i < 400; ++i) {
            pipes.push_back(pipePair());
            Error error;
            if (!PipeProbe::forFd(pipes.back().write.get()).setCapacity(1048576, &error))
                return QByteArray::number(i) + '|' + error.message().toUtf8();
        }
        return QByteArray("no failure");
    });
    if (!out)
        QSKIP("cannot switch to nobody (not root)");
    const QList<QByteArray> parts = out->split('|');
    QCOMPARE(parts.size(), 2);
    QVERIFY2(parts.at(0).toInt() > 0, out->constData());
    QVERIFY2(parts.at(1).endsWith(QStringLiteral(
                     ": Operation not permitted: this user's pipes already use the per-user "
                     "limit /proc/sys/fs/pipe-user-pages-soft (%1 pages) or -hard (%2); a bigger "
                     "pipe needs CAP_SYS_RESOURCE or CAP_SYS_ADMIN")
                             .arg(PipeLimits::userPagesSoft())
                             .arg(PipeLimits::userPagesHard())
                             .toUtf8()),
             out->constData());
}

void TestPipeProbe::peekReturnsQueuedBytes_data()
{
    QTest::addColumn<int>("queued");
    QTest::addColumn<int>("n");
    QTest::newRow("all of 10000") << 10000 << 10000;
    QTest::newRow("first 100 of 10000") << 10000 << 100;
    QTest::newRow("more than queued") << 10000 << 50000;
    QTest::newRow("one byte") << 1 << 1;
    QTest::newRow("zero asked") << 10000 << 0;
    QTest::newRow("full pipe") << 65536 << 65536;
}

void TestPipeProbe::peekReturnsQueuedBytes()
{
    QFETCH(int, queued);
    QFETCH(int, n);
    PipePair pipe = pipePair();
    const QByteArray data = Test::randomBytes(queued, 7);
    QVERIFY(Test::writeAll(pipe.write.get(), data));
    const QByteArray expected = data.left(n);
    for (const PipeProbe &probe : { PipeProbe::forFd(pipe.read.get()),
                                    PipeProbe::forProcessFd(ownPid(), pipe.read.get()) }) {
        for (int round = 0; round < 3; ++round) {
            Error error;
            const std::optional<QByteArray> peeked = probe.peek(n, &error);
            QVERIFY2(peeked, qPrintable(error.message()));
            QCOMPARE(peeked->size(), expected.size());
            QCOMPARE(Test::sha256(*peeked), Test::sha256(expected));
            QCOMPARE(Test::queued(pipe.read.get()), queued);
        }
    }
    pipe.write.close();
    QCOMPARE(Test::sha256(Test::readAll(pipe.read.get())), Test::sha256(data));
}

void TestPipeProbe::peekWholeMegabytePipe_data()
{
    QTest::addColumn<int>("writeSize");
    QTest::addColumn<int>("writeCount");
    QTest::newRow("1 MiB in 4096-byte writes") << 4096 << 256;
    // One 2049-byte write per slot: 256 slots hold 524544 bytes, all visible in one tee only
    // if the private pipe has 256 free slots.
    QTest::newRow("2049-byte writes, one per slot") << 2049 << 256;
}

void TestPipeProbe::peekWholeMegabytePipe()
{
    QFETCH(int, writeSize);
    QFETCH(int, writeCount);
    PipePair pipe = pipePair();
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).setCapacity(1048576), 1048576);
    QByteArray data;
    for (int i = 0; i < writeCount; ++i) {
        const QByteArray chunk = Test::randomBytes(writeSize, quint32(i));
        QVERIFY(Test::writeAll(pipe.write.get(), chunk));
        data += chunk;
    }
    const std::optional<QByteArray> peeked =
            PipeProbe::forProcessFd(ownPid(), pipe.write.get()).peek(2 * 1048576);
    QVERIFY(peeked);
    QCOMPARE(peeked->size(), data.size());
    QCOMPARE(Test::sha256(*peeked), Test::sha256(data));
    QCOMPARE(Test::queued(pipe.read.get()), data.size());
}

void TestPipeProbe::peekEmptyIsFast()
{
    PipePair pipe = pipePair(); // blocking ends, writer still open: a blocking tee would hang
    for (const PipeProbe &probe : { PipeProbe::forFd(pipe.read.get()),
                                    PipeProbe::forProcessFd(ownPid(), pipe.read.get()) }) {
        QElapsedTimer timer;
        timer.start();
        const std::optional<QByteArray> peeked = probe.peek(4096);
        QVERIFY(timer.elapsed() < 100);
        QVERIFY(peeked);
        QVERIFY(peeked->isEmpty());
    }
}

void TestPipeProbe::peekWithWritersClosed()
{
    PipePair pipe = pipePair();
    const QByteArray data = Test::randomBytes(3000, 3);
    QVERIFY(Test::writeAll(pipe.write.get(), data));
    pipe.write.close();
    const PipeProbe probe = PipeProbe::forFd(pipe.read.get());
    QCOMPARE(probe.peek(100000), data);
    QCOMPARE(Test::readAll(pipe.read.get()), data);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(probe.peek(100), QByteArray()); // empty, no writer: tee returns 0
    QVERIFY(timer.elapsed() < 100);
    QCOMPARE(probe.sample().queued, 0);
}

void TestPipeProbe::peekThroughWriteEnd()
{
    PipePair pipe = pipePair();
    const QByteArray data = Test::randomBytes(5000, 5);
    QVERIFY(Test::writeAll(pipe.write.get(), data));
    // Our own write end: the probe reopens /proc/self/fd/N read-only for the tee.
    QCOMPARE(PipeProbe::forFd(pipe.write.get()).peek(5000), data);
    QCOMPARE(PipeProbe::forProcessFd(ownPid(), pipe.write.get()).peek(5000), data);
    QCOMPARE(Test::queued(pipe.read.get()), 5000);
}

void TestPipeProbe::ownFdLeftAsItWas()
{
    PipePair pipe = pipePair();
    QVERIFY(Test::writeAll(pipe.write.get(), QByteArray(100, 'a')));
    const QByteArray readFlags = fdinfoFlags(ownPid(), pipe.read.get());
    const QByteArray writeFlags = fdinfoFlags(ownPid(), pipe.write.get());
    for (const int fd : { pipe.read.get(), pipe.write.get() }) {
        QVERIFY(PipeProbe::forFd(fd).sample().ok);
        QVERIFY(PipeProbe::forFd(fd).peek(10));
        QVERIFY(PipeProbe::forProcessFd(ownPid(), fd).peek(10));
    }
    QVERIFY(!Test::isNonBlocking(pipe.read.get()));
    QCOMPARE(fdinfoFlags(ownPid(), pipe.read.get()), readFlags);
    QCOMPARE(fdinfoFlags(ownPid(), pipe.write.get()), writeFlags);
    QVERIFY(!Test::isClosedFd(pipe.read.get()));
    QVERIFY(!Test::isClosedFd(pipe.write.get()));
}

void TestPipeProbe::childProcessPipe()
{
    PipePair pipe = pipePair();
    const QByteArray data = Test::randomBytes(50000, 11);
    QVERIFY(Test::writeAll(pipe.write.get(), data));
    const struct stat status = statusOf(pipe.read.get());
    GatedReader reader(pipe.read.get());
    QVERIFY(reader.isRunning());
    pipe.read.close(); // only the child holds the read end now
    const QByteArray childFlags = fdinfoFlags(reader.pid(), 0);
    QVERIFY(!childFlags.isEmpty());
    const int fdsBefore = Test::openFdCount();

    const PipeProbe probe = PipeProbe::forProcessFd(reader.pid(), 0);
    QCOMPARE(probe.describe(), QStringLiteral("/proc/%1/fd/0").arg(reader.pid()));
    const PipeSample sample = probe.sample();
    QVERIFY2(sample.ok, qPrintable(sample.error.message()));
    QCOMPARE(sample.inode, quint64(status.st_ino));
    QCOMPARE(sample.queued, 50000);
    QCOMPARE(sample.capacity, 65536);
    QVERIFY(!sample.isFifo);
    for (int round = 0; round < 3; ++round)
        QCOMPARE(probe.peek(65536), data);
    QCOMPARE(probe.setCapacity(131072), 131072);
    QCOMPARE(probe.sample().queued, 50000);

    QCOMPARE(Test::openFdCount(), fdsBefore);
    QCOMPARE(fdinfoFlags(reader.pid(), 0), childFlags); // no O_NONBLOCK leaked into the child
    pipe.write.close();
    QCOMPARE(reader.finish(), readerLine(data));
}

void TestPipeProbe::childProcessPipeWhileReading()
{
    // A slow reader drains while we write 2 MiB and sample and peek between writes: every byte
    // still reaches it in order, and each peek is the head of what was still unread.
    PipePair pipe = pipePair();
    GatedReader reader(pipe.read.get(), { QStringLiteral("20") });
    QVERIFY(reader.isRunning());
    pipe.read.close();
    QCOMPARE(Sys::fcntl(pipe.write.get(), F_SETFL, O_NONBLOCK), 0);
    const PipeProbe probe = PipeProbe::forProcessFd(reader.pid(), 0);
    const QByteArray data = Test::randomBytes(2 * 1024 * 1024, 13);
    reader.openGate();
    int probes = 0;
    int nonEmptyPeeks = 0;
    QElapsedTimer timer;
    timer.start();
    for (qsizetype written = 0; written < data.size();) {
        const ssize_t n = Sys::write(pipe.write.get(), data.constData() + written,
                                     size_t(qMin<qsizetype>(data.size() - written, 7000)));
        QVERIFY(n > 0 || errno == EAGAIN);
        written += qMax<ssize_t>(n, 0);
        QVERIFY2(probe.sample().ok, qPrintable(probe.sample().error.message()));
        const std::optional<QByteArray> peeked = probe.peek(65536);
        QVERIFY(peeked);
        ++probes;
        if (peeked->size() >= 64) {
            // Only this thread writes, so the queue ends at `written` and starts at most one
            // pipe capacity before it.
            ++nonEmptyPeeks;
            const qsizetype at = data.indexOf(peeked->left(64), qMax<qsizetype>(0, written - 65536));
            QVERIFY(at >= 0 && at + peeked->size() <= written);
            QVERIFY(data.mid(at, peeked->size()) == *peeked);
        }
        if (n < 0)
            ::usleep(200);
        QVERIFY(timer.elapsed() < 120000);
    }
    pipe.write.close();
    QCOMPARE(reader.waitForResult(), readerLine(data));
    qInfo("%d samples and peeks (%d non-empty) in %lld ms while 2 MiB flowed", probes,
          nonEmptyPeeks, timer.elapsed());
    QVERIFY(nonEmptyPeeks > 0);
}

void TestPipeProbe::fifoByPath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    // A reader first (as the explorer requires), so our own open releases nobody.
    Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
    Fd writer(Sys::open(QFile::encodeName(path).constData(), O_WRONLY));
    QVERIFY(reader.isValid() && writer.isValid());
    const QByteArray data = Test::randomBytes(5000, 17);
    QVERIFY(Test::writeAll(writer.get(), data));
    const int fdsBefore = Test::openFdCount();

    const PipeProbe probe = PipeProbe::forFifo(path);
    QCOMPARE(probe.describe(), path);
    const PipeSample sample = probe.sample();
    QVERIFY2(sample.ok, qPrintable(sample.error.message()));
    QVERIFY(sample.isFifo);
    QCOMPARE(sample.fifoPath, path);
    QVERIFY(!sample.fifoDeleted);
    QCOMPARE(sample.queued, 5000);
    QCOMPARE(sample.capacity, 65536);
    struct stat pathStatus = {};
    QCOMPARE(Sys::stat(QFile::encodeName(path).constData(), &pathStatus), 0);
    QCOMPARE(sample.inode, quint64(pathStatus.st_ino));
    QCOMPARE(sample.device, quint64(pathStatus.st_dev));
    QCOMPARE(probe.peek(10000), data);
    QCOMPARE(probe.peek(10000), data);
    QCOMPARE(probe.setCapacity(16384), 16384);

    const QString canonical = QFileInfo(path).canonicalFilePath();
    for (const PipeProbe &own : { PipeProbe::forFd(reader.get()), PipeProbe::forFd(writer.get()),
                                  PipeProbe::forProcessFd(ownPid(), writer.get()) }) {
        const PipeSample viaFd = own.sample();
        QVERIFY2(viaFd.ok, qPrintable(viaFd.error.message()));
        QVERIFY(viaFd.isFifo);
        QCOMPARE(viaFd.fifoPath, canonical);
        QCOMPARE(viaFd.inode, sample.inode);
        QCOMPARE(viaFd.capacity, 16384);
        QCOMPARE(own.peek(10000), data);
    }
    QCOMPARE(Test::openFdCount(), fdsBefore);
    writer.close();
    QCOMPARE(Sys::fcntl(reader.get(), F_SETFL, 0), 0);
    QCOMPARE(Test::readAll(reader.get()), data);
}

void TestPipeProbe::fifoDeleted()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("gone"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
    Fd writer(Sys::open(QFile::encodeName(path).constData(), O_WRONLY));
    QVERIFY(Test::writeAll(writer.get(), "abc"));
    const QString canonical = QFileInfo(path).canonicalFilePath();
    QVERIFY(QFile::remove(path));
    for (const PipeProbe &probe : { PipeProbe::forFd(reader.get()),
                                    PipeProbe::forProcessFd(ownPid(), writer.get()) }) {
        const PipeSample sample = probe.sample();
        QVERIFY2(sample.ok, qPrintable(sample.error.message()));
        QVERIFY(sample.isFifo);
        QVERIFY(sample.fifoDeleted);
        QCOMPARE(sample.fifoPath, canonical);
        QCOMPARE(sample.queued, 3);
        QCOMPARE(probe.peek(10), QByteArray("abc"));
    }
    const PipeSample byPath = PipeProbe::forFifo(path).sample();
    QVERIFY(!byPath.ok);
    QCOMPARE(byPath.error.code(), ENOENT);
    QCOMPARE(byPath.error.message(), QStringLiteral("open %1: No such file or directory").arg(path));
}

void TestPipeProbe::errors()
{
    int closed[2];
    QCOMPARE(Sys::pipe2(closed, 0), 0);
    Sys::close(closed[0]);
    Sys::close(closed[1]);
    const PipeSample badFd = PipeProbe::forFd(closed[0]).sample();
    QVERIFY(!badFd.ok);
    QCOMPARE(badFd.error.code(), EBADF);
    QCOMPARE(badFd.error.message(), QStringLiteral("fstat fd %1: Bad file descriptor").arg(closed[0]));
    Error error;
    QCOMPARE(PipeProbe::forFd(closed[0]).peek(10, &error), std::nullopt);
    QCOMPARE(error.message(), badFd.error.message());

    const qint64 pid = impossiblePid();
    const PipeSample noProcess = PipeProbe::forProcessFd(pid, 0).sample();
    QCOMPARE(noProcess.error.code(), ESRCH);
    QCOMPARE(noProcess.error.message(), QStringLiteral("no process %1").arg(pid));

    const PipeSample noFd = PipeProbe::forProcessFd(ownPid(), closed[0]).sample();
    QCOMPARE(noFd.error.code(), ENOENT);
    QCOMPARE(noFd.error.message(), QStringLiteral("process %1 has no fd %2").arg(ownPid()).arg(closed[0]));
    QCOMPARE(PipeProbe::forProcessFd(ownPid(), closed[0]).setCapacity(4096, &error), std::nullopt);
    QCOMPARE(error.message(), noFd.error.message());

    PipePair pipe = pipePair();
    QCOMPARE(PipeProbe::forFd(pipe.read.get()).peek(-1, &error), std::nullopt);
    QCOMPARE(error.message(), QStringLiteral("peek fd %1: byte count -1 is negative").arg(pipe.read.get()));
}

void TestPipeProbe::notAPipe_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("regular file") << QStringLiteral("file");
    QTest::newRow("socket") << QStringLiteral("socket");
    QTest::newRow("directory") << QStringLiteral("directory");
}

void TestPipeProbe::notAPipe()
{
    QFETCH(QString, kind);
    QTemporaryFile file;
    QVERIFY(file.open());
    Fd fd;
    Fd other;
    QString target;
    if (kind == u"file") {
        fd.reset(Sys::open(QFile::encodeName(file.fileName()).constData(), O_RDONLY));
        target = QFileInfo(file.fileName()).canonicalFilePath();
    } else if (kind == u"socket") {
        int pair[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        fd.reset(pair[0]);
        other.reset(pair[1]);
        target = QStringLiteral("socket:[%1]").arg(statusOf(fd.get()).st_ino);
    } else {
        fd.reset(Sys::open("/", O_RDONLY | O_DIRECTORY));
        target = QStringLiteral("/");
    }
    QVERIFY(fd.isValid());
    const PipeSample own = PipeProbe::forFd(fd.get()).sample();
    QVERIFY(!own.ok);
    QCOMPARE(own.error.code(), EINVAL);
    QCOMPARE(own.error.message(), QStringLiteral("fd %1 is not a pipe (%2)").arg(fd.get()).arg(target));
    const PipeSample viaProc = PipeProbe::forProcessFd(ownPid(), fd.get()).sample();
    QCOMPARE(viaProc.error.code(), EINVAL);
    QCOMPARE(viaProc.error.message(), QStringLiteral("fd %1 of process %2 is not a pipe (%3)")
                                          .arg(fd.get())
                                          .arg(ownPid())
                                          .arg(target));
    Error error;
    QCOMPARE(PipeProbe::forProcessFd(ownPid(), fd.get()).peek(1, &error), std::nullopt);
    QCOMPARE(error.message(), viaProc.error.message());
    if (kind == u"file") {
        const PipeSample byPath = PipeProbe::forFifo(file.fileName()).sample();
        QCOMPARE(byPath.error.message(),
                 QStringLiteral("%1 is not a FIFO (regular file)").arg(file.fileName()));
    }
}

void TestPipeProbe::permissionDenied()
{
    // A root-owned child holding a root-created pipe; nobody may see neither.
    PipePair pipe = pipePair();
    QVERIFY(Test::writeAll(pipe.write.get(), QByteArray(7000, 'r')));
    GatedReader reader(pipe.read.get());
    QVERIFY(reader.isRunning());
    const qint64 target = reader.pid();
    const int inheritedRead = pipe.read.get();
    const std::optional<QByteArray> out = runAsNobody([target, inheritedRead] {
        // nobody -> root's process: the /proc ptrace check fails first.
        const PipeProbe foreign = PipeProbe::forProcessFd(target, 0);
        Error peekError;
        foreign.peek(10, &peekError);
        // nobody -> its own process, but a pipe root created: the inode's 0600 owner check.
        const PipeProbe ownProc = PipeProbe::forProcessFd(::getpid(), inheritedRead);
        // The fd it already holds works without any reopen.
        const PipeSample held = PipeProbe::forFd(inheritedRead).sample();
        return sampleLine(foreign.sample()) + peekError.message().toUtf8() + '\n'
                + sampleLine(ownProc.sample()) + sampleLine(held)
                + PipeProbe::forFd(inheritedRead).peek(3).value_or("failed") + '\n'
                + QByteArray::number(::getpid()) + '\n';
    });
    if (!out)
        QSKIP("cannot switch to nobody (not root)");
    const QList<QByteArray> lines = out->split('\n');
    QCOMPARE(lines.size(), 7);
    const QString hint = QStringLiteral(
            " (needs the same user and a pipe that user created, or CAP_SYS_PTRACE + "
            "CAP_DAC_READ_SEARCH)");
    const QString foreignMessage =
            QStringLiteral("stat /proc/%1/fd/0: Permission denied").arg(target) + hint;
    QCOMPARE(QString::fromUtf8(lines.at(0)),
             QStringLiteral("0|%1|-1|").arg(EACCES) + foreignMessage);
    QCOMPARE(QString::fromUtf8(lines.at(1)), foreignMessage);
    QCOMPARE(QString::fromUtf8(lines.at(2)),
             QStringLiteral("0|%1|-1|open /proc/%2/fd/%3: Permission denied")
                             .arg(EACCES)
                             .arg(QString::fromLatin1(lines.at(5)))
                             .arg(inheritedRead)
                     + hint);
    QCOMPARE(lines.at(3), QByteArray("1|0|7000|"));
    QCOMPARE(lines.at(4), QByteArray("rrr"));
    pipe.read.close();
    pipe.write.close();
    QCOMPARE(reader.finish(), readerLine(QByteArray(7000, 'r')));
}

void TestPipeProbe::fromSpec_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("described"); // empty: a syntax error
    QTest::addColumn<int>("target");
    const int own = int(PipeProbe::Target::OwnFd);
    const int process = int(PipeProbe::Target::ProcessFd);
    const int fifo = int(PipeProbe::Target::FifoPath);
    QTest::newRow("fd") << QStringLiteral("3") << QStringLiteral("fd 3") << own;
    QTest::newRow("fd 0") << QStringLiteral("0") << QStringLiteral("fd 0") << own;
    QTest::newRow("pid:fd") << QStringLiteral("812:3") << QStringLiteral("/proc/812/fd/3") << process;
    QTest::newRow("absolute path") << QStringLiteral("/tmp/f") << QStringLiteral("/tmp/f") << fifo;
    QTest::newRow("relative path") << QStringLiteral("./12:") << QStringLiteral("./12:") << fifo;
    QTest::newRow("plain name") << QStringLiteral("myfifo") << QStringLiteral("myfifo") << fifo;
    QTest::newRow("path with colon") << QStringLiteral("/tmp/a:b") << QStringLiteral("/tmp/a:b") << fifo;
    for (const char *bad : { "", "12:", ":3", "-3", "+3", "3x", "a:3", "0:3", "1:-1",
                             "99999999999", "1:99999999999" })
        QTest::newRow(bad[0] ? bad : "empty") << QString::fromLatin1(bad) << QString() << -1;
}

void TestPipeProbe::fromSpec()
{
    QFETCH(QString, spec);
    QFETCH(QString, described);
    QFETCH(int, target);
    Error error;
    const std::optional<PipeProbe> probe = PipeProbe::fromSpec(spec, &error);
    if (described.isEmpty()) {
        QVERIFY(!probe);
        QVERIFY2(error.message().contains(QLatin1String("expected FD, PID:FD or a FIFO path")),
                 qPrintable(error.message()));
        return;
    }
    QVERIFY2(probe, qPrintable(error.message()));
    QCOMPARE(probe->describe(), described);
    QCOMPARE(int(probe->target()), target);
}

void TestPipeProbe::fdNeverLeftOpen()
{
    PipePair pipe = pipePair();
    QVERIFY(Test::writeAll(pipe.write.get(), QByteArray(3000, 'z')));
    QTemporaryFile file;
    QVERIFY(file.open());
    const int before = Test::openFdCount();
    const QList<PipeProbe> probes = {
        PipeProbe::forFd(pipe.read.get()),           PipeProbe::forFd(pipe.write.get()),
        PipeProbe::forProcessFd(ownPid(), pipe.read.get()),
        PipeProbe::forProcessFd(ownPid(), pipe.write.get()),
        PipeProbe::forProcessFd(ownPid(), int(file.handle())), // not a pipe
        PipeProbe::forProcessFd(ownPid(), 9999),                 // no such fd
        PipeProbe::forProcessFd(impossiblePid(), 0),
        PipeProbe::forFifo(file.fileName()),                     // not a FIFO
    };
    for (int round = 0; round < 100; ++round) {
        for (const PipeProbe &probe : probes) {
            probe.sample();
            probe.peek(4096);
            probe.setCapacity(65536);
            probe.setCapacity(1); // EBUSY for the pipe
        }
    }
    QCOMPARE(Test::openFdCount(), before);
    QCOMPARE(Test::queued(pipe.read.get()), 3000);
}

QTEST_GUILESS_MAIN(TestPipeProbe)
#include "tst_pipeprobe.moc"
