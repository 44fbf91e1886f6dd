// SafeProbe: a pipe is read only through a read end some process already holds. Through one,
// the fill and a peek come back and nothing is consumed; without one, the refusal names who
// would notice, and the writer's state is what it was: its write still fails with EPIPE, a
// writer blocked opening a FIFO still waits, and its line reaches the reader whole.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/processstate.h>
#include <pipescope/safeprobe.h>
#include <pipescope/sys.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

class TestSafeProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { std::signal(SIGPIPE, SIG_IGN); }
    void writeEndIsReadThroughItsReader();
    void writeEndWithoutReaderIsRefused();
    void fifoWithBlockedWriterIsRefused();
    void ownFdAndNonPipesAreProbedDirectly();
};

void TestSafeProbe::writeEndIsReadThroughItsReader()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const QByteArray bytes = randomBytes(3000, 3);
    QVERIFY(writeAll(writeEnd, bytes));
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { writeEnd, 1 } });
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    SafeProbe::Options options;
    options.peekBytes = 100;
    SafeProbeResult result;
    QTRY_VERIFY_WITH_TIMEOUT((result = SafeProbe::probeTarget(PipeProbe::forProcessFd(writer, 1), options)).ok(), 5000);
    QCOMPARE(result.probe->pid(), qint64(reader)); // the reader's fd 0, not the writer's fd 1
    QCOMPARE(result.probe->fd(), 0);
    QCOMPARE(result.sample.queued, qint64(3000));
    QCOMPARE(result.sample.capacity, qint64(65536));
    QCOMPARE(*result.peeked, bytes.left(100));
    QVERIFY(result.pipe);
    // Twice: the peek consumed nothing.
    QCOMPARE(SafeProbe::probeTarget(PipeProbe::forProcessFd(writer, 1), options).sample.queued, qint64(3000));
}

void TestSafeProbe::writeEndWithoutReaderIsRefused()
{
    // We hold the only write end; nobody reads. A read end of ours would turn EPIPE into success.
    const auto [readEnd, writeEnd] = makePipe();
    Sys::close(readEnd);
    const Fd writer(writeEnd);
    QCOMPARE(Sys::write(writer.get(), "x", 1), ssize_t(-1));
    QCOMPARE(errno, EPIPE);
    const SafeProbeResult result = SafeProbe::probeTarget(PipeProbe::forProcessFd(::getpid(), writer.get()));
    QVERIFY(result.refusal);
    QVERIFY(!result.ok());
    QVERIFY(!result.probe);
    QCOMPARE(result.refusal->writeEndHolders, QList<qint64> { ::getpid() });
    QVERIFY(result.refusal->blockedOpeners.isEmpty());
    QVERIFY2(result.refusal->reason.startsWith(u"no process holds the read end"), qPrintable(result.refusal->reason));
    QVERIFY2(result.error.message().contains(QStringLiteral("/proc/%1/fd/%2: no process we can see holds its read end")
                                                 .arg(::getpid())
                                                 .arg(writer.get())),
             qPrintable(result.error.message()));
    QVERIFY2(result.error.message().contains(u"holds its write end: while we held a read end its writes would not fail with EPIPE"),
             qPrintable(result.error.message()));
    // Unchanged: the next write still fails with EPIPE.
    QCOMPARE(Sys::write(writer.get(), "x", 1), ssize_t(-1));
    QCOMPARE(errno, EPIPE);
}

void TestSafeProbe::fifoWithBlockedWriterIsRefused()
{
    QTemporaryDir dir;
    const QString path = makeFifo(dir, QStringLiteral("f"));
    QVERIFY(!path.isEmpty());
    ChildProcesses children;
    const pid_t sh = children.spawnQuiet(fifoWriterCommand(path));
    const auto activity = [sh] { return ProcessState::read(sh).activity(); };
    QTRY_COMPARE_WITH_TIMEOUT(activity(), ProcessState::Activity::WaitingForPartner, 5000);
    SafeProbe::Options options;
    options.peekBytes = 10;
    const SafeProbeResult result = SafeProbe::probeTarget(PipeProbe::forFifo(path), options);
    QVERIFY(result.refusal);
    QVERIFY(!result.sample.ok);
    QCOMPARE(result.refusal->blockedOpeners.size(), 1);
    QCOMPARE(result.refusal->blockedOpeners.first().pid, qint64(sh));
    QVERIFY2(result.error.message().contains(QStringLiteral("`sh` (pid %1) is blocked in open() to write it").arg(sh)),
             qPrintable(result.error.message()));
    // Unchanged: the writer still waits in open(), and its line is whole for the reader that comes.
    QTest::qWait(100);
    QCOMPARE(activity(), ProcessState::Activity::WaitingForPartner);
    Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
    QVERIFY(reader);
    QCOMPARE(Sys::fcntl(reader.get(), F_SETFL, 0), 0);
    QCOMPARE(readAll(reader.get()), QByteArray("hi\n"));
}

void TestSafeProbe::ownFdAndNonPipesAreProbedDirectly()
{
    const auto [readEnd, writeEnd] = makePipe();
    const Fd reader(readEnd), writer(writeEnd);
    QVERIFY(writeAll(writer.get(), "abc"));
    const SafeProbeResult own = SafeProbe::probeTarget(PipeProbe::forFd(writer.get()));
    QVERIFY(own.ok());
    QCOMPARE(own.sample.queued, qint64(3));
    const Fd null(Sys::open("/dev/null", O_RDONLY));
    const SafeProbeResult notPipe = SafeProbe::probeTarget(PipeProbe::forProcessFd(::getpid(), null.get()));
    QVERIFY(!notPipe.refusal);
    QVERIFY(!notPipe.ok());
    QVERIFY2(notPipe.error.message().contains(u"not a pipe"), qPrintable(notPipe.error.message()));
    const SafeProbeResult gone = SafeProbe::probeTarget(PipeProbe::forProcessFd(999999999, 0));
    QVERIFY(!gone.refusal);
    QCOMPARE(gone.sample.error.code(), ESRCH);
}

QTEST_GUILESS_MAIN(TestSafeProbe)
#include "tst_safeprobe.moc"
