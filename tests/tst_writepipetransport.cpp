// Functional tests of WritePipeTransport on real pipes: the write-side scenarios of
// docs/transport-contract.md (Scenarios) (15-34, 37-45), each asserting docs/transport-contract.md.
// Test functions are named sNN_... after the scenario; where asyncio or uvloop fail a
// scenario, the name says so and the test asserts the correct outcome.
#include "transporttesting.h"

#include <pipescope/fd.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/sys.h>
#include <pipescope/writepipetransport.h>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QtTest>

#include <csignal>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

constexpr qsizetype Page = 4096;
constexpr qsizetype PipeSize = 65536; // a fresh pipe: 16 page slots

QStringList seq(const QString &csv)
{
    return csv.split(u',');
}
QStringList seq(const char *csv)
{
    return seq(QString::fromLatin1(csv));
}

#define VERIFY_LIFECYCLE(rec) \
    QVERIFY2((rec).lifecycleProblem().isEmpty(), qPrintable((rec).lifecycleProblem()))

/// Reads up to \a max bytes that are queued in \a fd now (waits up to 2 s for the first).
QByteArray readSome(int fd, qsizetype max)
{
    pollfd p { fd, POLLIN, 0 };
    if (::poll(&p, 1, 2000) != 1)
        return {};
    QByteArray buffer(max, Qt::Uninitialized);
    const ssize_t n = Sys::read(fd, buffer.data(), size_t(max));
    return n > 0 ? buffer.left(n) : QByteArray();
}

/// Reads exactly \a size bytes from a blocking fd.
QByteArray readExactly(int fd, qsizetype size)
{
    QByteArray all;
    while (all.size() < size) {
        const QByteArray part = readSome(fd, size - all.size());
        if (part.isEmpty())
            break;
        all += part;
    }
    return all;
}

/// An opened, connected writer on a fresh pipe whose read end the test holds.
struct WriterFixture
{
    WriterFixture() : fds(makePipe()), reader(fds.first), recorder(&transport) { }
    bool open() { return transport.open(fds.second); }
    std::pair<int, int> fds;
    Fd reader;
    WritePipeTransport transport;
    TransportRecorder recorder;
};

/// An opened writer on one end of an AF_UNIX stream socketpair; the test holds the peer.
struct SocketWriterFixture
{
    SocketWriterFixture() : recorder(&transport)
    {
        int pair[2] = { -1, -1 };
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0) {
            ours.reset(pair[0]);
            peer.reset(pair[1]);
        }
    }
    bool open() { return ours && transport.open(ours.release()); }
    Fd ours, peer;
    WritePipeTransport transport;
    TransportRecorder recorder;
};

/// Child-process mode of this test binary (scenario 32), selected by an environment
/// variable: "dfl" leaves SIGPIPE at SIG_DFL, "handler" installs one first. The child then
/// opens a writer on a pipe without reader and writes. Exit 0 when the contract held; a
/// SIGPIPE death shows as a crash in the parent.
volatile sig_atomic_t appHandlerCalls = 0;
void appSigpipeHandler(int)
{
    appHandlerCalls = appHandlerCalls + 1;
}

int sigpipeChild(const QByteArray &mode, int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    struct sigaction action {};
    action.sa_handler = mode == "handler" ? &appSigpipeHandler : SIG_DFL;
    ::sigaction(SIGPIPE, &action, nullptr);

    auto [r, w] = makePipe();
    ::close(r); // no reader
    WritePipeTransport t;
    int lost = -1;
    QObject::connect(&t, &PipeTransport::connectionLost, &app, [&](int error) {
        lost = error;
        app.quit();
    });
    if (!t.open(w))
        return 2;
    struct sigaction now {};
    ::sigaction(SIGPIPE, nullptr, &now);
    const auto expected = mode == "handler" ? &appSigpipeHandler : SIG_IGN;
    if (now.sa_handler != expected)
        return 3; // not ignored (dfl), or the application's handler was replaced
    t.write("into a pipe without reader");
    app.exec();
    if (lost != EPIPE)
        return 4;
    if (mode == "handler" && appHandlerCalls == 0)
        return 5; // the application's own handler must still see the signal
    return 0;
}

} // namespace

class TestWritePipeTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void s15_writeOnEmptyPipeGoesStraightToKernel_uvloopDefers();
    void s15_writeBeforeConnectionMadeGoesStraightToKernel();
    void s16_fullKernelThenBufferNoPauseAtHigh();
    void s17_pauseOnceStrictlyAboveHigh();
    void s18_resumeAtLowWaterWithDataQueued_asyncioOnlyAtZero();
    void s18_slowReaderInOrderResumeOnce();
    void s19_bufferLimits_data();
    void s19_bufferLimits();
    void s20_invalidLimitsRefused_data();
    void s20_invalidLimitsRefused();
    void s21_lowerLimitPausesSynchronouslyRaiseNeverResumes();
    void s22_emptyWriteIsNoOpEverywhere();
    void s23_writesAfterCloseDroppedCountedOneWarning();
    void s24_writeEofFlushesThenEof();
    void s25_canWriteEof();
    void s26_closeFlushesMegabyteToSlowReader();
    void s27_abortDropsBufferKeepsKernelBytes_uvloopKeepsSize();
    void s28_abortTwiceIsClean_asyncioAttributeError_data();
    void s28_abortTwiceIsClean_asyncioAttributeError();
    void s29_idleWriterReaderGoneIsEpipe_asyncioReportsNone();
    void s30_bufferedWriterReaderGoneIsEpipe_asyncioErrnoNone();
    void s31_writeAfterReaderGoneIsEpipeNextIteration();
    void s32_sigpipeIgnoredInThisProcess();
    void s32_sigpipeChildProcess_data();
    void s32_sigpipeChildProcess();
    void s33_closeInsideWritingResumedLosesNothing_cpython311Loses200704_data();
    void s33_closeInsideWritingResumedLosesNothing_cpython311Loses200704();
    void s34_writeAfterCloseWithBufferIgnored();
    void s37_regularFileRefused();
    void s37_wrongAccessModeRefused();
    void s38_devNullWriterAccepted_uvloopAborts();
    void s39_closedFdRefusedWithEbadf();
    void s40_nonBlockingSetAndNotRestored();
    void s41_tenMegabytesRandomChecksum();
    void s42_hundredThousandSmallWritesKeepOrder();
    void s43_lifecycleCountsAndNothingAfterLost();
    void s44_afterLostFdIsClosed();
    void s45_destroyActiveWithoutClose();
    void contract_pauseBeforeMadeIsSignalledRightAfterMade();
    void contract_writeLinesConcatenatesInOrder();
    void contract_closeAfterWriteEofAndAbortAfterLostAreNoOps();
    void contract_lossWhilePausedNeverResumes();
    void api_tryWriteTakesWhatTheKernelTakesNeverQueues();
    void api_tryWriteRefusedWhileBytesAreQueued();
    void api_tryWriteAfterTheEnd();
    void api_socketPeerSendsThenClosesIdleWriterLost();
    void api_socketPeerHalfCloseIsNoLoss();
};

void TestWritePipeTransport::initTestCase()
{
    // Scenario 32: the process starts with SIGPIPE at SIG_DFL, as any C++ program does; the
    // transports must ignore it themselves.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestWritePipeTransport::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSocketNotifier")));
}

void TestWritePipeTransport::s15_writeOnEmptyPipeGoesStraightToKernel_uvloopDefers()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write(QByteArray(1000, 'w'));
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(queued(f.reader.get()), 1000);
    QCOMPARE(f.transport.bytesWritten(), quint64(1000));
    QCOMPARE(readExactly(f.reader.get(), 1000), QByteArray(1000, 'w'));
}

void TestWritePipeTransport::s15_writeBeforeConnectionMadeGoesStraightToKernel()
{
    WriterFixture f;
    QVERIFY(f.open());
    f.transport.write(QByteArray(1000, 'e'));
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(queued(f.reader.get()), 1000);
    QVERIFY(f.recorder.events.isEmpty());
    QTRY_VERIFY(f.recorder.isMade());
    QCOMPARE(f.recorder.events, seq("made"));
}

void TestWritePipeTransport::s16_fullKernelThenBufferNoPauseAtHigh()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray first = randomBytes(PipeSize, 16);
    const QByteArray second = randomBytes(PipeSize, 17);
    f.transport.write(first);
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(queued(f.reader.get()), int(PipeSize));
    f.transport.write(second);
    QCOMPARE(f.transport.writeBufferSize(), PipeSize);
    QVERIFY(!f.transport.isWritingPaused()); // 65536 is not strictly above the high mark
    QTest::qWait(50);
    QCOMPARE(f.transport.writeBufferSize(), PipeSize);
    QCOMPARE(f.recorder.events, seq("made"));

    // The write notifier is on: draining the kernel lets the buffer flush.
    QCOMPARE(readExactly(f.reader.get(), PipeSize), first);
    QTRY_COMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(readExactly(f.reader.get(), PipeSize), second);
    QCOMPARE(f.recorder.events, seq("made"));
}

void TestWritePipeTransport::s17_pauseOnceStrictlyAboveHigh()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(2 * PipeSize + 101, 17);
    f.transport.write(payload.left(PipeSize));
    f.transport.write(payload.mid(PipeSize, PipeSize));
    QCOMPARE(f.recorder.count(QStringLiteral("pauseW")), 0);
    f.transport.write(payload.mid(2 * PipeSize, 1));
    QCOMPARE(f.recorder.events, seq("made,pauseW"));
    QCOMPARE(f.recorder.pauseSizes, QList<qsizetype>({ PipeSize + 1 }));
    QVERIFY(f.transport.isWritingPaused());
    f.transport.write(payload.mid(2 * PipeSize + 1));
    QCOMPARE(f.recorder.count(QStringLiteral("pauseW")), 1);

    ThreadReader reader(f.reader.release(), 65536, std::chrono::microseconds(0));
    f.transport.writeEof();
    QTRY_VERIFY(f.recorder.isLost());
    QTRY_VERIFY(reader.atEof());
    QCOMPARE(reader.data(), payload);
    QCOMPARE(f.recorder.events, seq("made,pauseW,resumeW,lost(0)"));
    VERIFY_LIFECYCLE(f.recorder);
}

void TestWritePipeTransport::s18_resumeAtLowWaterWithDataQueued_asyncioOnlyAtZero()
{
    // Deterministic drain: one page at a time, then let the loop flush it. Each flush moves
    // exactly one page, so the first size <= low is within a page of the mark, and writing
    // resumed then (asyncio waits for an empty buffer).
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(PipeSize + 200000, 18);
    f.transport.write(payload.left(PipeSize));
    f.transport.write(payload.mid(PipeSize));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(200000));
    QCOMPARE(f.recorder.events, seq("made,pauseW"));

    const qsizetype low = f.transport.writeBufferLimits().first;
    QByteArray got;
    while (got.size() < payload.size()) {
        const qsizetype before = f.transport.writeBufferSize();
        const QByteArray page = readSome(f.reader.get(), Page);
        QVERIFY(!page.isEmpty());
        got += page;
        if (before > 0)
            QTRY_VERIFY(f.transport.writeBufferSize() < before);
    }
    QCOMPARE(got, payload);
    QCOMPARE(f.recorder.events, seq("made,pauseW,resumeW"));
    const qsizetype resumedAt = f.recorder.resumeSizes.value(0);
    QVERIFY2(resumedAt <= low && resumedAt > low - Page && resumedAt > 0,
             qPrintable(QString::number(resumedAt)));
}

void TestWritePipeTransport::s18_slowReaderInOrderResumeOnce()
{
    // The scenario as written: 200 000 B buffered, a reader taking 4096 B every 2 ms.
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(PipeSize + 200000, 19);
    f.transport.write(payload.left(PipeSize));
    f.transport.write(payload.mid(PipeSize));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(200000));
    ThreadReader reader(f.reader.release(), Page, std::chrono::milliseconds(2));
    QTRY_COMPARE_WITH_TIMEOUT(f.transport.writeBufferSize(), 0, 20000);
    f.transport.writeEof();
    QTRY_VERIFY_WITH_TIMEOUT(reader.atEof(), 20000);
    // The reader thread can see EOF before the loop delivers the queued connectionLost.
    QTRY_VERIFY(f.recorder.isLost());
    QCOMPARE(sha256(reader.data()), sha256(payload));
    QCOMPARE(f.recorder.events, seq("made,pauseW,resumeW,lost(0)"));
    QVERIFY(f.recorder.resumeSizes.value(0) <= f.transport.writeBufferLimits().first);
}

void TestWritePipeTransport::s19_bufferLimits_data()
{
    QTest::addColumn<qsizetype>("high");
    QTest::addColumn<qsizetype>("low");
    QTest::addColumn<qsizetype>("expectedLow");
    QTest::addColumn<qsizetype>("expectedHigh");
    QTest::newRow("default") << qsizetype(-2) << qsizetype(-2) << qsizetype(16384) << qsizetype(65536);
    QTest::newRow("set() both unset") << qsizetype(-1) << qsizetype(-1) << qsizetype(16384)
                                      << qsizetype(65536);
    QTest::newRow("high=100") << qsizetype(100) << qsizetype(-1) << qsizetype(25) << qsizetype(100);
    QTest::newRow("low=100") << qsizetype(-1) << qsizetype(100) << qsizetype(100) << qsizetype(400);
    QTest::newRow("high=0") << qsizetype(0) << qsizetype(-1) << qsizetype(0) << qsizetype(0);
    QTest::newRow("10,10") << qsizetype(10) << qsizetype(10) << qsizetype(10) << qsizetype(10);
}

void TestWritePipeTransport::s19_bufferLimits()
{
    QFETCH(qsizetype, high);
    QFETCH(qsizetype, low);
    QFETCH(qsizetype, expectedLow);
    QFETCH(qsizetype, expectedHigh);
    WriterFixture f;
    QVERIFY(f.open());
    if (high != -2) { // -2: the defaults, no call at all
        QVERIFY(f.transport.setWriteBufferLimits(100, 50)); // something else first
        QVERIFY2(f.transport.setWriteBufferLimits(high, low), qPrintable(f.transport.errorString()));
    }
    const QPair<qsizetype, qsizetype> expected(expectedLow, expectedHigh);
    QCOMPARE(f.transport.writeBufferLimits(), expected); // (low, high) as asyncio
}

void TestWritePipeTransport::s20_invalidLimitsRefused_data()
{
    QTest::addColumn<qsizetype>("high");
    QTest::addColumn<qsizetype>("low");
    QTest::addColumn<QString>("message");
    // asyncio's wording for the same check.
    QTest::newRow("high=1,low=2") << qsizetype(1) << qsizetype(2)
                                  << QStringLiteral("high (1) must be >= low (2) must be >= 0");
    // -1 means "unset" here, so asyncio's high=-1 / low=-1 cases become other negatives.
    QTest::newRow("high=-2") << qsizetype(-2) << qsizetype(-1) << QStringLiteral("high (-2)");
    QTest::newRow("low=-2") << qsizetype(-1) << qsizetype(-2) << QStringLiteral("low (-2)");
    QTest::newRow("high=-5,low=-5") << qsizetype(-5) << qsizetype(-5) << QStringLiteral("(-5)");
    QTest::newRow("high=4,low=-3") << qsizetype(4) << qsizetype(-3) << QStringLiteral("low (-3)");
}

void TestWritePipeTransport::s20_invalidLimitsRefused()
{
    QFETCH(qsizetype, high);
    QFETCH(qsizetype, low);
    QFETCH(QString, message);
    WriterFixture f;
    QVERIFY(f.open());
    QVERIFY(f.transport.setWriteBufferLimits(40, 10));
    QVERIFY(!f.transport.setWriteBufferLimits(high, low));
    QVERIFY2(f.transport.errorString().contains(message), qPrintable(f.transport.errorString()));
    QVERIFY(f.transport.errorString().contains(QLatin1String("must be >= 0")));
    QCOMPARE(f.transport.writeBufferLimits(), (QPair<qsizetype, qsizetype>(10, 40)));
    QTRY_VERIFY(f.recorder.isMade());
    QCOMPARE(f.recorder.events, seq("made"));
}

void TestWritePipeTransport::s21_lowerLimitPausesSynchronouslyRaiseNeverResumes()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write(QByteArray(PipeSize, 'k'));
    f.transport.write(QByteArray(1000, 'b'));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1000));
    QCOMPARE(f.recorder.events, seq("made"));

    QVERIFY(f.transport.setWriteBufferLimits(10, 5));
    QCOMPARE(f.recorder.events, seq("made,pauseW")); // inside the call
    QVERIFY(f.transport.isWritingPaused());
    QVERIFY(f.transport.setWriteBufferLimits(1024 * 1024));
    QTest::qWait(100);
    QCOMPARE(f.recorder.events, seq("made,pauseW")); // raising never resumes by itself
    QVERIFY(f.transport.isWritingPaused());

    // The next flush checks: drain the kernel and it resumes, once.
    QCOMPARE(readExactly(f.reader.get(), PipeSize), QByteArray(PipeSize, 'k'));
    QTRY_COMPARE(f.recorder.events, seq("made,pauseW,resumeW"));
    QCOMPARE(readExactly(f.reader.get(), 1000), QByteArray(1000, 'b'));
}

void TestWritePipeTransport::s22_emptyWriteIsNoOpEverywhere()
{
    MessageCapture capture;
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write(QByteArray());
    f.transport.writeLines({});
    f.transport.writeLines({ QByteArray(), QByteArray() });
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(queued(f.reader.get()), 0);
    QCOMPARE(f.transport.bytesWritten(), quint64(0));

    f.transport.write(QByteArray(PipeSize, 'f')); // fill the kernel so close() has to wait
    f.transport.write("x");
    f.transport.close(); // closing, not lost yet
    QVERIFY(f.transport.isClosing());
    f.transport.write(QByteArray());
    QCOMPARE(f.transport.droppedWrites(), quint64(0));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1));

    QCOMPARE(readExactly(f.reader.get(), PipeSize), QByteArray(PipeSize, 'f'));
    QTRY_VERIFY(f.recorder.isLost());
    f.transport.write(QByteArray());
    QCOMPARE(f.transport.droppedWrites(), quint64(0));
    QCOMPARE(f.recorder.events, seq("made,lost(0)"));
    QVERIFY2(capture.warnings().isEmpty(), qPrintable(capture.warnings().join(u'\n')));
    QCOMPARE(readAll(f.reader.get()), QByteArray("x"));
}

void TestWritePipeTransport::s23_writesAfterCloseDroppedCountedOneWarning()
{
    MessageCapture capture;
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write("before");
    f.transport.close();
    for (int i = 0; i < 10; ++i)
        f.transport.write("dropped");
    QCOMPARE(f.transport.droppedWrites(), quint64(10));
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QTRY_VERIFY(f.recorder.isLost());
    f.transport.write("after lost");
    QCOMPARE(f.transport.droppedWrites(), quint64(11));
    QCOMPARE(readAll(f.reader.get()), QByteArray("before")); // never the dropped bytes
    QCOMPARE(f.recorder.events, seq("made,lost(0)"));
    // asyncio logs from the 6th drop on; DESIGN: one warning per transport.
    QCOMPARE(capture.warnings().size(), 1);
}

void TestWritePipeTransport::s24_writeEofFlushesThenEof()
{
    auto [r, w] = makePipe();
    const QByteArray payload = randomBytes(300000, 24);
    WritePipeTransport writer;
    ReadPipeTransport reader;
    TransportRecorder wrec(&writer);
    TransportRecorder rrec(&reader);
    QVERIFY(reader.open(r));
    QVERIFY(writer.open(w));
    QTRY_VERIFY(wrec.isMade());
    writer.write(payload);
    QVERIFY(writer.writeBufferSize() > 0);
    writer.writeEof();
    QVERIFY(writer.isClosing());
    QTRY_VERIFY(rrec.isLost());
    QTRY_VERIFY(wrec.isLost());
    QCOMPARE(rrec.data.size(), payload.size());
    QCOMPARE(sha256(rrec.data), sha256(payload));
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QCOMPARE(wrec.events, seq("made,pauseW,resumeW,lost(0)"));
    QCOMPARE(writer.bytesWritten(), quint64(payload.size()));
    QVERIFY(wrec.madeFdClosedAtLost);
    QVERIFY(isClosedFd(w));
    // The writer's lost comes after the last byte went into the kernel, so before the
    // reader's EOF can be seen.
    QVERIFY(wrec.isLost());
    VERIFY_LIFECYCLE(wrec);
    VERIFY_LIFECYCLE(rrec);
}

void TestWritePipeTransport::s25_canWriteEof()
{
    WritePipeTransport t;
    QVERIFY(t.canWriteEof());
    WriterFixture f;
    QVERIFY(f.open());
    QVERIFY(f.transport.canWriteEof());
}

void TestWritePipeTransport::s26_closeFlushesMegabyteToSlowReader()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(1024 * 1024, 26);
    quint64 writtenAtLost = 0;
    connect(&f.transport, &PipeTransport::connectionLost, this,
            [&] { writtenAtLost = f.transport.bytesWritten(); });
    f.transport.write(payload);
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(payload.size() - PipeSize));
    f.transport.close();
    QVERIFY(f.transport.isClosing());
    ThreadReader reader(f.reader.release(), 8192, std::chrono::microseconds(500));
    QTRY_VERIFY_WITH_TIMEOUT(f.recorder.isLost(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(reader.atEof(), 30000);
    QCOMPARE(reader.data().size(), payload.size());
    QCOMPARE(sha256(reader.data()), sha256(payload));
    QCOMPARE(f.recorder.events, seq("made,pauseW,resumeW,lost(0)"));
    QCOMPARE(f.recorder.pauseSizes, QList<qsizetype>({ 983040 }));
    QVERIFY(f.recorder.resumeSizes.value(0) <= 16384); // asyncio: at 0
    QCOMPARE(writtenAtLost, quint64(payload.size())); // lost only after the last byte
}

void TestWritePipeTransport::s27_abortDropsBufferKeepsKernelBytes_uvloopKeepsSize()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(200000, 27);
    f.transport.write(payload);
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(134464));
    QVERIFY(f.transport.isWritingPaused());
    f.transport.abort();
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QVERIFY(!f.transport.isWritingPaused());
    QVERIFY(f.transport.isClosing());
    QCOMPARE(f.recorder.events, seq("made,pauseW")); // lost is queued
    QTRY_VERIFY(f.recorder.isLost());
    QTest::qWait(50);
    QCOMPARE(f.recorder.events, seq("made,pauseW,lost(0)")); // no resumeW after abort
    QCOMPARE(readAll(f.reader.get()), payload.left(PipeSize)); // then EOF
}

void TestWritePipeTransport::s28_abortTwiceIsClean_asyncioAttributeError_data()
{
    QTest::addColumn<QString>("calls");
    QTest::addColumn<bool>("buffered");
    QTest::newRow("abort,abort") << QStringLiteral("abort,abort") << false;
    QTest::newRow("close,abort") << QStringLiteral("close,abort") << false;
    QTest::newRow("abort,lost,abort") << QStringLiteral("abort,lost,abort,close") << false;
    QTest::newRow("close with buffer,abort") << QStringLiteral("close,abort") << true;
    QTest::newRow("writeEof,abort,abort") << QStringLiteral("writeEof,abort,abort") << true;
}

void TestWritePipeTransport::s28_abortTwiceIsClean_asyncioAttributeError()
{
    QFETCH(QString, calls);
    QFETCH(bool, buffered);
    MessageCapture capture;
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    if (buffered) {
        f.transport.write(QByteArray(PipeSize, 'k'));
        f.transport.write(QByteArray(1000, 'b'));
    }
    for (const QString &call : calls.split(u',')) {
        if (call == QLatin1String("abort"))
            f.transport.abort();
        else if (call == QLatin1String("close"))
            f.transport.close();
        else if (call == QLatin1String("writeEof"))
            f.transport.writeEof();
        else if (call == QLatin1String("lost"))
            QTRY_VERIFY(f.recorder.isLost());
    }
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QTRY_VERIFY(f.recorder.isLost());
    QTest::qWait(50);
    QCOMPARE(f.recorder.events, seq("made,lost(0)"));
    QCOMPARE(f.transport.error(), 0);
    QVERIFY2(capture.warnings().isEmpty(), qPrintable(capture.warnings().join(u'\n')));
    QCOMPARE(readAll(f.reader.get()).size(), buffered ? PipeSize : 0);
}

void TestWritePipeTransport::s29_idleWriterReaderGoneIsEpipe_asyncioReportsNone()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.reader.close();
    // No write: the POLLERR on the write end is enough.
    QTRY_VERIFY_WITH_TIMEOUT(f.recorder.isLost(), 2000);
    QCOMPARE(f.recorder.events, seq(QStringLiteral("made,lost(%1)").arg(EPIPE)));
    QCOMPARE(f.transport.error(), EPIPE);
    QVERIFY(!f.transport.errorString().isEmpty());
    QVERIFY(f.recorder.madeFdClosedAtLost);
    QCOMPARE(f.transport.bytesWritten(), quint64(0));
    QCOMPARE(f.transport.droppedWrites(), quint64(0));
}

void TestWritePipeTransport::s30_bufferedWriterReaderGoneIsEpipe_asyncioErrnoNone()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write(randomBytes(100000, 30));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(34464));
    f.reader.close();
    QTRY_VERIFY_WITH_TIMEOUT(f.recorder.isLost(), 2000);
    QCOMPARE(f.recorder.events, seq(QStringLiteral("made,lost(%1)").arg(EPIPE)));
    QCOMPARE(f.transport.error(), EPIPE);
    QCOMPARE(f.transport.writeBufferSize(), 0); // discarded
    QVERIFY(!f.transport.isWritingPaused());
    QCOMPARE(f.transport.bytesWritten(), quint64(PipeSize));
}

void TestWritePipeTransport::s31_writeAfterReaderGoneIsEpipeNextIteration()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.reader.close();
    f.transport.write("hello"); // before the loop noticed: write(2) gives EPIPE
    QCOMPARE(f.recorder.events, seq("made")); // lost is queued, not emitted in write()
    QCOMPARE(f.transport.droppedWrites(), quint64(0)); // attempted, not dropped
    f.transport.write("more");
    QCOMPARE(f.transport.droppedWrites(), quint64(1));
    QTRY_VERIFY(f.recorder.isLost());
    QCOMPARE(f.recorder.events, seq(QStringLiteral("made,lost(%1)").arg(EPIPE)));
    f.transport.write("late");
    QCOMPARE(f.transport.droppedWrites(), quint64(2));
    QCOMPARE(f.transport.writeBufferSize(), 0);
}

void TestWritePipeTransport::s32_sigpipeIgnoredInThisProcess()
{
    // initTestCase reset SIGPIPE to SIG_DFL; any transport's open() must have ignored it.
    WriterFixture f;
    QVERIFY(f.open());
    struct sigaction now {};
    QCOMPARE(::sigaction(SIGPIPE, nullptr, &now), 0);
    QVERIFY(now.sa_handler == SIG_IGN);
    f.reader.close();
    f.transport.write(QByteArray(10, 's')); // would kill us with SIG_DFL
    QTRY_VERIFY(f.recorder.isLost());
    QCOMPARE(f.recorder.lostError, EPIPE);
}

void TestWritePipeTransport::s32_sigpipeChildProcess_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("SIG_DFL before the first open") << QStringLiteral("dfl");
    QTest::newRow("application handler left alone") << QStringLiteral("handler");
}

void TestWritePipeTransport::s32_sigpipeChildProcess()
{
    // A fresh process, so "the first open()" is really the first: this binary in child mode.
    QFETCH(QString, mode);
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PIPESCOPE_SIGPIPE_CHILD"), mode);
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted());
    QVERIFY(child.waitForFinished(20000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit); // a SIGPIPE death is a crash here
    QCOMPARE(child.exitCode(), 0);
}

void TestWritePipeTransport::s33_closeInsideWritingResumedLosesNothing_cpython311Loses200704_data()
{
    QTest::addColumn<bool>("useWriteEof");
    QTest::addColumn<qsizetype>("high");
    // With the default marks writing resumes at <= 16 KiB with bytes still queued. With an
    // 8 KiB high mark the whole buffer leaves in one flush and writingResumed comes on an
    // empty buffer: the exact path where CPython 3.11 then closes without looking again.
    QTest::newRow("close(), default limits") << false << qsizetype(65536);
    QTest::newRow("writeEof(), default limits") << true << qsizetype(65536);
    QTest::newRow("close(), resumed on empty buffer") << false << qsizetype(8192);
    QTest::newRow("writeEof(), resumed on empty buffer") << true << qsizetype(8192);
}

void TestWritePipeTransport::s33_closeInsideWritingResumedLosesNothing_cpython311Loses200704()
{
    // bench-peers/repro/asyncio_close_in_resume.py in C++: fill up from connectionMade, then
    // write a 256 KiB tail and close from writingResumed.
    QFETCH(bool, useWriteEof);
    QFETCH(qsizetype, high);
    constexpr qsizetype Tail = 4 * 65536;
    auto [r, w] = makePipe();
    ReadPipeTransport reader;
    WritePipeTransport writer;
    TransportRecorder rrec(&reader);
    TransportRecorder wrec(&writer);
    qsizetype sent = 0;
    bool doneWriting = false;
    QList<qsizetype> resumedAt;
    QVERIFY(writer.setWriteBufferLimits(high));
    connect(&writer, &PipeTransport::connectionMade, this, [&] {
        while (!doneWriting && writer.writeBufferSize() <= high) {
            writer.write(QByteArray(4096, 'x'));
            sent += 4096;
        }
    });
    connect(&writer, &WritePipeTransport::writingResumed, this, [&] {
        resumedAt.append(writer.writeBufferSize());
        if (doneWriting)
            return;
        doneWriting = true;
        writer.write(QByteArray(Tail, 'y'));
        sent += Tail;
        if (useWriteEof)
            writer.writeEof();
        else
            writer.close();
    });
    QVERIFY(reader.open(r));
    QVERIFY(writer.open(w));
    QTRY_VERIFY_WITH_TIMEOUT(rrec.isLost(), 10000);
    QTRY_VERIFY(wrec.isLost());
    // Default marks: 65 536 B into the kernel + 69 632 B buffered + the tail = 397 312 B.
    QCOMPARE(sent, PipeSize + (high + 4096) + Tail);
    if (high == 8192)
        QCOMPARE(resumedAt.value(0), 0);
    QCOMPARE(rrec.data.size(), sent); // CPython 3.11: 196608 of 397312
    QCOMPARE(rrec.data, QByteArray(sent - Tail, 'x') + QByteArray(Tail, 'y'));
    // The tail pushes the buffer above the high mark again: a second pause, then its
    // resume during the flush that close() waits for.
    QCOMPARE(wrec.events, seq("made,pauseW,resumeW,pauseW,resumeW,lost(0)"));
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QVERIFY(wrec.madeFdClosedAtLost);
}

void TestWritePipeTransport::s34_writeAfterCloseWithBufferIgnored()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray payload = randomBytes(PipeSize + 1000, 34);
    f.transport.write(payload);
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1000));
    f.transport.close();
    f.transport.write("after close");
    QCOMPARE(f.transport.droppedWrites(), quint64(1));
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1000));
    ThreadReader reader(f.reader.release(), 65536, std::chrono::microseconds(0));
    QTRY_VERIFY(f.recorder.isLost());
    QTRY_VERIFY(reader.atEof());
    QCOMPARE(reader.data(), payload);
    QCOMPARE(f.recorder.events, seq("made,lost(0)"));
}

void TestWritePipeTransport::s37_regularFileRefused()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const int fd = Sys::open(file.fileName().toLocal8Bit().constData(), O_WRONLY);
    QVERIFY(fd >= 0);
    Fd guard(fd);
    WritePipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(fd));
    QVERIFY2(t.errorString().contains(QLatin1String("regular file")), qPrintable(t.errorString()));
    QVERIFY(!isClosedFd(fd));
    QVERIFY(!isNonBlocking(fd));
    QCOMPARE(t.fd(), -1);
    t.write("nothing");
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
    QCOMPARE(file.size(), qint64(0));
}

void TestWritePipeTransport::s37_wrongAccessModeRefused()
{
    auto [r, w] = makePipe();
    Fd reader(r);
    Fd writer(w);
    WritePipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(r));
    QVERIFY2(t.errorString().contains(QLatin1String("writing")), qPrintable(t.errorString()));
    QVERIFY(!isClosedFd(r));
    QVERIFY(!isNonBlocking(r));
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
}

void TestWritePipeTransport::s38_devNullWriterAccepted_uvloopAborts()
{
    // asyncio: accepted, 100 000 B written at once. No reader-gone watch on a character
    // device (it is always readable), so it must not end by itself.
    const int fd = Sys::open("/dev/null", O_WRONLY);
    QVERIFY(fd >= 0);
    WritePipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY2(t.open(fd), qPrintable(t.errorString()));
    t.write(QByteArray(100000, 'n'));
    QCOMPARE(t.writeBufferSize(), 0);
    QTest::qWait(100);
    QCOMPARE(rec.events, seq("made"));
    t.close();
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.events, seq("made,lost(0)"));
}

void TestWritePipeTransport::s39_closedFdRefusedWithEbadf()
{
    auto [r, w] = makePipe();
    Sys::close(r);
    Sys::close(w);
    WritePipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(w));
    QCOMPARE(t.error(), EBADF);
    QVERIFY2(t.errorString().contains(QString::fromLocal8Bit(std::strerror(EBADF))),
             qPrintable(t.errorString()));
    t.write("x");
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
}

void TestWritePipeTransport::s40_nonBlockingSetAndNotRestored()
{
    WriterFixture f;
    Fd sameDescription(::fcntl(f.fds.second, F_DUPFD_CLOEXEC, 0));
    QVERIFY(!isNonBlocking(f.fds.second));
    QVERIFY(f.open());
    QVERIFY(isNonBlocking(f.fds.second));
    f.transport.close();
    QTRY_VERIFY(f.recorder.isLost());
    QVERIFY(isClosedFd(f.fds.second));
    QVERIFY(isNonBlocking(sameDescription.get()));
}

void TestWritePipeTransport::s41_tenMegabytesRandomChecksum()
{
    auto [r, w] = makePipe();
    const QByteArray payload = randomBytes(10 * 1024 * 1024, 41);
    WritePipeTransport writer;
    ReadPipeTransport reader;
    TransportRecorder wrec(&writer);
    TransportRecorder rrec(&reader);
    QVERIFY(reader.open(r));
    QVERIFY(writer.open(w));
    writer.write(payload);
    writer.writeEof();
    QTRY_VERIFY_WITH_TIMEOUT(rrec.isLost(), 60000);
    QTRY_VERIFY(wrec.isLost());
    QCOMPARE(rrec.data.size(), qsizetype(10485760));
    QCOMPARE(sha256(rrec.data), sha256(payload));
    QCOMPARE(wrec.events, seq("made,pauseW,resumeW,lost(0)"));
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
}

void TestWritePipeTransport::s42_hundredThousandSmallWritesKeepOrder()
{
    auto [r, w] = makePipe();
    WritePipeTransport writer;
    ReadPipeTransport reader;
    TransportRecorder wrec(&writer);
    TransportRecorder rrec(&reader);
    QVERIFY(reader.open(r));
    QVERIFY(writer.open(w));
    QTRY_VERIFY(wrec.isMade());
    QByteArray expected;
    char record[16];
    for (int i = 0; i < 100000; ++i) {
        std::snprintf(record, sizeof record, "%08d;", i);
        writer.write(QByteArray(record, 9));
        expected.append(record, 9);
        if (i % 10000 == 9999)
            QCoreApplication::processEvents(); // asyncio's sleep(0)
    }
    writer.writeEof();
    QTRY_VERIFY_WITH_TIMEOUT(rrec.isLost(), 30000);
    QCOMPARE(expected.size(), qsizetype(900000));
    QCOMPARE(rrec.data, expected);
    QTRY_VERIFY(wrec.isLost());
    VERIFY_LIFECYCLE(wrec);
}

void TestWritePipeTransport::s43_lifecycleCountsAndNothingAfterLost()
{
    WriterFixture f;
    QVERIFY(f.open());
    const QByteArray payload = randomBytes(3 * PipeSize, 43);
    f.transport.write(payload); // before made: paused at once, signalled after made
    f.transport.write("tail");
    ThreadReader reader(f.reader.release(), 65536, std::chrono::microseconds(100));
    QTRY_VERIFY(f.recorder.count(QStringLiteral("resumeW")) == 1);
    f.transport.close();
    f.transport.abort(); // nothing buffered any more (or dropped): still one lost
    QTRY_VERIFY(f.recorder.isLost());
    QTest::qWait(100);
    f.transport.write("after");
    f.transport.close();
    QTest::qWait(20);
    QCOMPARE(f.recorder.count(QStringLiteral("made")), 1);
    QCOMPARE(f.recorder.count(QStringLiteral("lost(0)")), 1);
    QCOMPARE(f.recorder.events.first(), QStringLiteral("made"));
    QCOMPARE(f.recorder.events.last(), QStringLiteral("lost(0)"));
    QCOMPARE(f.recorder.sequence(), seq("made,pauseW,resumeW,lost(0)"));
    VERIFY_LIFECYCLE(f.recorder);
}

void TestWritePipeTransport::s44_afterLostFdIsClosed()
{
    WriterFixture f;
    QVERIFY(f.open());
    f.transport.write("abc");
    f.transport.writeEof();
    QTRY_VERIFY(f.recorder.isLost());
    QVERIFY(isClosedFd(f.fds.second));
    QCOMPARE(f.transport.fd(), -1);
    QVERIFY(!f.transport.isOpen());
    QVERIFY(f.transport.isLost());
    QVERIFY(f.transport.isClosing());
    QVERIFY(!f.transport.isWritingPaused());
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(readAll(f.reader.get()), QByteArray("abc"));
}

void TestWritePipeTransport::s45_destroyActiveWithoutClose()
{
    auto [r, w] = makePipe();
    Fd reader(r);
    auto *t = new WritePipeTransport;
    TransportRecorder rec(t);
    QVERIFY(t->open(w));
    QTRY_VERIFY(rec.isMade());
    const QByteArray payload = randomBytes(PipeSize + 70000, 45);
    t->write(payload);
    QCOMPARE(rec.events, seq("made,pauseW"));
    delete t; // no close(): buffered bytes are dropped, nothing is emitted
    QVERIFY(isClosedFd(w));
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,pauseW"));
    QCOMPARE(readAll(r), payload.left(PipeSize)); // then EOF: the write end is gone
}

void TestWritePipeTransport::contract_pauseBeforeMadeIsSignalledRightAfterMade()
{
    WriterFixture f;
    QVERIFY(f.open());
    f.transport.write(QByteArray(PipeSize, 'a'));
    f.transport.write(QByteArray(PipeSize + 1, 'b'));
    QVERIFY(f.transport.isWritingPaused()); // the state changes at once ...
    QVERIFY(f.recorder.events.isEmpty());   // ... its signal waits for connectionMade
    QTRY_VERIFY(f.recorder.isMade());
    QCOMPARE(f.recorder.events, seq("made,pauseW"));
}

void TestWritePipeTransport::contract_writeLinesConcatenatesInOrder()
{
    WriterFixture f;
    QVERIFY(f.open());
    f.transport.write(QByteArray(PipeSize, '.')); // the kernel is full: the rest queues
    f.transport.writeLines({ "one\n", "two\n" });
    f.transport.write("three");
    f.transport.writeLines({ "4", "5" });
    f.transport.writeEof();
    ThreadReader reader(f.reader.release(), 4096, std::chrono::microseconds(0));
    QTRY_VERIFY(reader.atEof());
    QCOMPARE(reader.data(), QByteArray(PipeSize, '.') + "one\ntwo\nthree45");
}

void TestWritePipeTransport::contract_closeAfterWriteEofAndAbortAfterLostAreNoOps()
{
    MessageCapture capture;
    WriterFixture f;
    QVERIFY(f.open());
    f.transport.write("data");
    f.transport.writeEof();
    f.transport.writeEof();
    f.transport.close();
    QTRY_VERIFY(f.recorder.isLost());
    f.transport.abort();
    f.transport.close();
    f.transport.writeEof();
    QTest::qWait(50);
    QCOMPARE(f.recorder.events, seq("made,lost(0)"));
    QCOMPARE(readAll(f.reader.get()), QByteArray("data"));
    QVERIFY(capture.warnings().isEmpty());
}

void TestWritePipeTransport::contract_lossWhilePausedNeverResumes()
{
    // DESIGN: after the loss isWritingPaused() is false and no writingResumed() comes.
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    f.transport.write(randomBytes(200000, 46));
    QVERIFY(f.transport.isWritingPaused());
    f.reader.close();
    QTRY_VERIFY(f.recorder.isLost());
    QVERIFY(!f.transport.isWritingPaused());
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QTest::qWait(50);
    QCOMPARE(f.recorder.events, seq(QStringLiteral("made,pauseW,lost(%1)").arg(EPIPE)));
}

void TestWritePipeTransport::api_tryWriteTakesWhatTheKernelTakesNeverQueues()
{
    // libuv's uv_try_write: what fits now, the count returned, nothing queued.
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray first = randomBytes(40000, 50);
    QCOMPARE(f.transport.tryWrite(first), qsizetype(40000));
    const QByteArray second = randomBytes(40000, 51);
    // The first took 10 of the 16 page slots; a non-blocking write fills the 6 free ones
    // (24576 bytes; the tail of the 10th page is not merged into).
    const qsizetype taken = f.transport.tryWrite(second);
    QCOMPARE(taken, 6 * Page);
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(f.transport.tryWrite(second.mid(taken)), qsizetype(0)); // full: nothing taken
    QCOMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(f.transport.bytesWritten(), quint64(40000 + taken));
    QCOMPARE(f.transport.tryWrite(QByteArray()), qsizetype(0));
    QCOMPARE(readExactly(f.reader.get(), 40000 + taken), first + second.left(taken));
    QCOMPARE(queued(f.reader.get()), 0);
    QVERIFY(f.transport.isOpen());
    QCOMPARE(f.recorder.events, seq("made"));
}

void TestWritePipeTransport::api_tryWriteRefusedWhileBytesAreQueued()
{
    WriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    const QByteArray queuedPart = randomBytes(PipeSize + 1000, 52);
    f.transport.write(queuedPart); // 1000 bytes stay in the transport
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1000));
    QCOMPARE(f.transport.tryWrite("jump the queue"), qsizetype(-1));
    QCOMPARE(f.transport.error(), EAGAIN);
    QCOMPARE(f.transport.writeBufferSize(), qsizetype(1000));
    // The stream is as written: the refused bytes are nowhere in it, and the transport works.
    QCOMPARE(readExactly(f.reader.get(), PipeSize), queuedPart.left(PipeSize));
    QTRY_COMPARE(f.transport.writeBufferSize(), 0);
    QCOMPARE(f.transport.tryWrite("after"), qsizetype(5));
    QCOMPARE(readExactly(f.reader.get(), 1005), queuedPart.mid(PipeSize) + "after");
    QCOMPARE(f.recorder.events, seq("made"));
}

void TestWritePipeTransport::api_tryWriteAfterTheEnd()
{
    {
        // The reader left: the failing write ends the transport with EPIPE, like write().
        WriterFixture f;
        QVERIFY(f.open());
        QTRY_VERIFY(f.recorder.isMade());
        f.reader.close();
        QCOMPARE(f.transport.tryWrite("nobody reads"), qsizetype(-1));
        QCOMPARE(f.transport.error(), EPIPE);
        QTRY_VERIFY(f.recorder.isLost());
        QCOMPARE(f.recorder.events, seq(QStringLiteral("made,lost(%1)").arg(EPIPE)));
        QCOMPARE(f.transport.tryWrite("later"), qsizetype(-1));
    }
    {
        WriterFixture f;
        QVERIFY(f.open());
        QTRY_VERIFY(f.recorder.isMade());
        f.transport.close();
        QCOMPARE(f.transport.tryWrite("after close"), qsizetype(-1));
        QTRY_VERIFY(f.recorder.isLost());
        QCOMPARE(f.transport.error(), 0);
        QCOMPARE(f.recorder.events, seq("made,lost(0)"));
        QCOMPARE(readSome(f.reader.get(), 100), QByteArray()); // EOF, nothing written
    }
}

void TestWritePipeTransport::api_socketPeerSendsThenClosesIdleWriterLost()
{
    // A socket's write transport keeps watching for the peer's end after the peer sent data
    // it does not read: the idle writer learns of it without writing.
    SocketWriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    QCOMPARE(::write(f.peer.get(), "hello", 5), ssize_t(5));
    QTest::qWait(100); // the event loop sees the peer's data: nothing may end or spin
    QVERIFY(f.transport.isOpen());
    QCOMPARE(f.recorder.events, seq("made"));
    f.transport.write("still here\n");
    char got[32] = {};
    QCOMPARE(::read(f.peer.get(), got, sizeof got), ssize_t(11));
    QElapsedTimer timer;
    timer.start();
    f.peer.close();
    QTRY_VERIFY_WITH_TIMEOUT(f.recorder.isLost(), 1000);
    qInfo("peer's close noticed after %lld ms", qlonglong(timer.elapsed()));
    QCOMPARE(f.recorder.events, seq(QStringLiteral("made,lost(%1)").arg(EPIPE)));
    QCOMPARE(f.transport.error(), EPIPE);
    QVERIFY(f.recorder.madeFdClosedAtLost);
}

void TestWritePipeTransport::api_socketPeerHalfCloseIsNoLoss()
{
    // shutdown(SHUT_WR) by the peer: it sends no more but still reads; our writes must go on.
    SocketWriterFixture f;
    QVERIFY(f.open());
    QTRY_VERIFY(f.recorder.isMade());
    QCOMPARE(::shutdown(f.peer.get(), SHUT_WR), 0);
    QTest::qWait(100);
    QCOMPARE(f.recorder.events, seq("made"));
    f.transport.write("after half-close");
    char got[32] = {};
    QCOMPARE(::read(f.peer.get(), got, sizeof got), ssize_t(16));
    QCOMPARE(QByteArray(got), QByteArray("after half-close"));
    QVERIFY(f.transport.isOpen());
}

int main(int argc, char **argv)
{
    const QByteArray childMode = qgetenv("PIPESCOPE_SIGPIPE_CHILD");
    if (!childMode.isEmpty())
        return sigpipeChild(childMode, argc, argv);
    QCoreApplication app(argc, argv);
    TestWritePipeTransport test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_writepipetransport.moc"
