// Functional tests of ReadPipeTransport on real pipes, FIFOs, ptys and sockets: the read-side
// scenarios of docs/transport-contract.md (Scenarios), each asserting docs/transport-contract.md.
// Test functions are named sNN_... after the scenario number they cover; where asyncio or
// uvloop fail a scenario, the name says so and the test asserts the correct outcome.
#include "transporttesting.h"

#include <pipescope/fd.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/sys.h>
#include <pipescope/writepipetransport.h>

#include <QAbstractEventDispatcher>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QtTest>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

/// "made,data,eof" → the list, to compare with TransportRecorder::sequence().
QStringList seq(const char *csv)
{
    return QString::fromLatin1(csv).split(u',');
}

#define VERIFY_LIFECYCLE(rec) \
    QVERIFY2((rec).lifecycleProblem().isEmpty(), qPrintable((rec).lifecycleProblem()))

/// Writes \a data to \a fd with one write(2); the test wants it in the kernel now.
bool putNow(int fd, const QByteArray &data)
{
    return Sys::write(fd, data.constData(), size_t(data.size())) == data.size();
}

/// write(2) of one byte to a pipe whose reader is gone: the errno (EPIPE expected; the test
/// process survives because the transport set SIGPIPE to SIG_IGN).
int errnoOfWrite(int fd)
{
    const ssize_t n = ::write(fd, "x", 1);
    return n == -1 ? errno : 0;
}

/// How often the event loop woke up while it ran for \a ms. A read notifier left on while
/// paused fires again and again on the queued bytes (poll is level-triggered) even if its
/// handler reads nothing: thousands of wake-ups instead of the idle loop's few dozen.
int wakeupsWhileWaiting(int ms)
{
    int wakeups = 0;
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    const QMetaObject::Connection counting = QObject::connect(
            dispatcher, &QAbstractEventDispatcher::awake, dispatcher, [&] { ++wakeups; });
    QTest::qWait(ms);
    QObject::disconnect(counting);
    return wakeups;
}

/// A new pipe whose read end (or write end) has the fd number \a number, which must be free:
/// for tests that a transport on a reused fd number is not disturbed by an old one.
std::pair<int, int> makePipeOnFd(int number, bool writeEnd)
{
    auto [r, w] = makePipe();
    int &mine = writeEnd ? w : r;
    int &other = writeEnd ? r : w;
    if (other == number) {
        const int moved = ::fcntl(other, F_DUPFD_CLOEXEC, number + 1);
        Sys::close(other);
        other = moved;
    }
    if (mine != number) {
        ::dup3(mine, number, O_CLOEXEC);
        Sys::close(mine);
        mine = number;
    }
    return { r, w };
}

} // namespace

class TestReadPipeTransport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void s01_queuedDataAndEofInOrderAfterMade();
    void s02_dataNeverBeforeMade();
    void s03_smallWritesThenEof();
    void s03_millionBytesFromThread();
    void s04_pauseLeavesDataInKernel();
    void s05_resumeDeliversKernelData();
    void s06_isReadingStates_asyncioRaisesNotImplemented();
    void s07_pauseResumeIdempotent();
    void s08_pauseResumeAfterCloseAndLostAreNoOps();
    void s09_pauseInsideConnectionMadeHolds_asyncioUvloopDeliverAnyway();
    void s09_pauseBeforeConnectionMadeHolds();
    void s10_closeInsideConnectionMadeNoStaleNotifier_asyncioStaleSelector();
    void s11_chunksAtMost256KiB();
    void s12_closeWithUnreadBytes();
    void s13_closeInsideDataReceived();
    void s14_ptyHangupIsEio();
    void s14_otherReadErrorIsReportedAndLogged();
    void s37_regularFileOrDirectoryRefused_data();
    void s37_regularFileOrDirectoryRefused();
    void s37_wrongAccessModeRefused();
    void s38_devNullEofOrRefusedNeverHangs_asyncioHangsUvloopAborts();
    void s39_closedFdRefusedWithEbadf_data();
    void s39_closedFdRefusedWithEbadf();
    void s40_nonBlockingSetAndNotRestored();
    void s43_lifecycleCountsAndNothingAfterLost();
    void s44_afterLostFdIsClosed();
    void s45_destroyPausedWithoutClose();
    void contract_closeAndAbortIdempotentNeverSynchronous();
    void contract_socketAccepted();
};

void TestReadPipeTransport::initTestCase()
{
    // A C++ program starts with SIGPIPE at SIG_DFL; the transports must cope with that
    // (scenario 32): it is not this test's job to protect the process.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestReadPipeTransport::init()
{
    // A notifier left on a closed fd makes Qt warn "QSocketNotifier: Invalid socket".
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSocketNotifier")));
}

void TestReadPipeTransport::s01_queuedDataAndEofInOrderAfterMade()
{
    auto [r, w] = makePipe();
    const QByteArray payload = randomBytes(1000);
    QVERIFY(putNow(w, payload));
    Sys::close(w);

    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QVERIFY2(rec.events.isEmpty(), "open() itself must not emit");
    QCoreApplication::processEvents();
    QCOMPARE(rec.events.value(0), QStringLiteral("made"));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
    QCOMPARE(rec.count(QStringLiteral("eof")), 1);
    QCOMPARE(rec.data, payload);
    QVERIFY(rec.madeFdClosedAtLost);
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s02_dataNeverBeforeMade()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    QVERIFY(putNow(w, QByteArray(1000, 'a')));

    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_COMPARE(rec.data.size(), 1000);
    QCOMPARE(rec.sequence(), seq("made,data"));
    writer.close();
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s03_smallWritesThenEof()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());

    QVERIFY(putNow(w, "12345"));
    QTRY_COMPARE(rec.data, QByteArray("12345"));
    QVERIFY(putNow(w, "abcdefg"));
    QTRY_COMPARE(rec.data, QByteArray("12345abcdefg"));
    writer.close();
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.chunkSizes, QList<qsizetype>({ 5, 7 }));
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s03_millionBytesFromThread()
{
    auto [r, w] = makePipe();
    const QByteArray payload = randomBytes(1000000, 3);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));

    // Blocking 10 000-byte writes from another thread while the loop reads.
    std::thread writer([w = w, &payload] {
        for (qsizetype at = 0; at < payload.size(); at += 10000)
            writeAll(w, payload.mid(at, 10000));
        ::close(w);
    });
    QTRY_VERIFY_WITH_TIMEOUT(rec.isLost(), 20000);
    writer.join();
    QCOMPARE(rec.data.size(), payload.size());
    QCOMPARE(sha256(rec.data), sha256(payload));
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s04_pauseLeavesDataInKernel()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());

    t.pauseReading();
    QCOMPARE(rec.events, seq("made,pauseR")); // a real transition, signalled at once
    QVERIFY(!t.isReading());
    QVERIFY(putNow(w, QByteArray(1000, 'p')));
    const int wakeups = wakeupsWhileWaiting(200);
    QVERIFY2(wakeups < 1000, qPrintable(QStringLiteral("%1 wake-ups while paused").arg(wakeups)));
    QCOMPARE(rec.data.size(), 0);
    QCOMPARE(queued(t.fd()), 1000);
    QCOMPARE(rec.events, seq("made,pauseR"));
}

void TestReadPipeTransport::s05_resumeDeliversKernelData()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());
    t.pauseReading();
    QVERIFY(putNow(w, QByteArray(1000, 'p')));
    QTest::qWait(200);
    QCOMPARE(queued(t.fd()), 1000);

    t.resumeReading();
    QVERIFY(t.isReading());
    QCOMPARE(rec.events, seq("made,pauseR,resumeR"));
    QTRY_COMPARE(rec.data, QByteArray(1000, 'p'));
    QCOMPARE(queued(t.fd()), 0);
    QCOMPARE(rec.sequence(), seq("made,pauseR,resumeR,data"));
    QCOMPARE(t.bytesReceived(), quint64(1000));
}

void TestReadPipeTransport::s06_isReadingStates_asyncioRaisesNotImplemented()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.isReading()); // not opened
    QVERIFY(t.open(r));
    QVERIFY(t.isReading()); // opened, not paused, not closing
    QTRY_VERIFY(rec.isMade());
    QVERIFY(t.isReading());
    t.pauseReading();
    QVERIFY(!t.isReading());
    t.resumeReading();
    QVERIFY(t.isReading());
    t.close();
    QVERIFY(!t.isReading());
    QVERIFY(t.isClosing());
    QTRY_VERIFY(rec.isLost());
    QVERIFY(!t.isReading());

    // After EOF: false from eofReceived on.
    auto [r2, w2] = makePipe();
    Sys::close(w2);
    ReadPipeTransport atEof;
    TransportRecorder rec2(&atEof);
    bool readingAtEof = true;
    connect(&atEof, &ReadPipeTransport::eofReceived, this,
            [&] { readingAtEof = atEof.isReading(); });
    QVERIFY(atEof.open(r2));
    QTRY_VERIFY(rec2.isLost());
    QVERIFY(!readingAtEof);
    QVERIFY(!atEof.isReading());
    QCOMPARE(rec2.sequence(), seq("made,eof,lost(0)"));
}

void TestReadPipeTransport::s07_pauseResumeIdempotent()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());

    t.pauseReading();
    t.pauseReading();
    QVERIFY(putNow(w, QByteArray(1000, 'i')));
    QTest::qWait(50);
    QCOMPARE(rec.data.size(), 0);
    t.resumeReading();
    QTRY_COMPARE(rec.data.size(), 1000);
    t.resumeReading();
    QVERIFY(putNow(w, QByteArray(10, 'j')));
    QTRY_COMPARE(rec.data.size(), 1010);
    QTest::qWait(50);
    QCOMPARE(rec.data, QByteArray(1000, 'i') + QByteArray(10, 'j')); // nothing twice
    QCOMPARE(rec.sequence(), seq("made,pauseR,resumeR,data"));
}

void TestReadPipeTransport::s08_pauseResumeAfterCloseAndLostAreNoOps()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());

    QVERIFY(putNow(w, QByteArray(100, 'c')));
    t.close();
    t.pauseReading();
    QVERIFY(!t.isReading());
    t.resumeReading();
    QVERIFY(!t.isReading());
    QTRY_VERIFY(rec.isLost());
    t.pauseReading();
    t.resumeReading();
    QVERIFY(!t.isReading());
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,lost(0)"));
    QVERIFY(rec.data.isEmpty());
}

void TestReadPipeTransport::s09_pauseInsideConnectionMadeHolds_asyncioUvloopDeliverAnyway()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    QVERIFY(putNow(w, QByteArray(1000, 'm')));
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    connect(&t, &PipeTransport::connectionMade, this, [&] { t.pauseReading(); });
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());
    const int wakeups = wakeupsWhileWaiting(200); // the notifier was never enabled
    QVERIFY2(wakeups < 1000, qPrintable(QStringLiteral("%1 wake-ups while paused").arg(wakeups)));
    QCOMPARE(rec.data.size(), 0); // asyncio 3.11 and uvloop 0.17 deliver the 1000 B here
    QCOMPARE(queued(t.fd()), 1000);
    QCOMPARE(rec.events, seq("made,pauseR"));

    t.resumeReading();
    QTRY_COMPARE(rec.data, QByteArray(1000, 'm'));
    QCOMPARE(rec.sequence(), seq("made,pauseR,resumeR,data"));
}

void TestReadPipeTransport::s09_pauseBeforeConnectionMadeHolds()
{
    // DESIGN: a pause between open() and connectionMade takes effect at once; its signal
    // comes right after connectionMade.
    auto [r, w] = makePipe();
    Fd writer(w);
    QVERIFY(putNow(w, QByteArray(1000, 'b')));
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    t.pauseReading();
    QVERIFY(!t.isReading());
    QVERIFY(rec.events.isEmpty());
    QTRY_VERIFY(rec.isMade());
    QTest::qWait(100);
    QCOMPARE(rec.events, seq("made,pauseR"));
    QCOMPARE(queued(t.fd()), 1000);
    t.resumeReading();
    QTRY_COMPARE(rec.data.size(), 1000);
}

void TestReadPipeTransport::s10_closeInsideConnectionMadeNoStaleNotifier_asyncioStaleSelector()
{
    // Read side. The first transport stays alive, so a notifier it left enabled on the fd
    // number would steal the data of the next pipe that reuses the number.
    auto [r, w] = makePipe();
    Fd writer(w);
    QVERIFY(putNow(w, "0123456789"));
    ReadPipeTransport first;
    TransportRecorder rec(&first);
    connect(&first, &PipeTransport::connectionMade, this, [&] { first.close(); });
    QVERIFY(first.open(r));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.events, seq("made,lost(0)"));
    QVERIFY(rec.madeFdClosedAtLost);

    QVERIFY(isClosedFd(r)); // free for makePipeOnFd
    auto [r2, w2] = makePipeOnFd(r, false); // the very fd number the closed transport had
    Fd writer2(w2);
    QCOMPARE(r2, r);
    QCOMPARE(queued(r), 0);
    ReadPipeTransport second;
    TransportRecorder rec2(&second);
    QVERIFY(second.open(r));
    QVERIFY(putNow(w2, "ab"));
    QTRY_COMPARE(rec2.data, QByteArray("ab"));
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,lost(0)"));
    QCOMPARE(rec2.events, seq("made,data"));

    // Write side: close inside connectionMade, then a new write transport on the same number.
    auto [r3, w3] = makePipe();
    Fd reader3(r3);
    WritePipeTransport firstW;
    TransportRecorder recW(&firstW);
    connect(&firstW, &PipeTransport::connectionMade, this, [&] { firstW.close(); });
    QVERIFY(firstW.open(w3));
    QTRY_VERIFY(recW.isLost());
    QCOMPARE(recW.events, seq("made,lost(0)"));
    QVERIFY(recW.madeFdClosedAtLost);
    QCOMPARE(readAll(r3), QByteArray()); // EOF: the write end is really closed

    QVERIFY(isClosedFd(w3));
    auto [r4, w4] = makePipeOnFd(w3, true);
    Fd reader4(r4);
    QCOMPARE(w4, w3);
    WritePipeTransport secondW;
    TransportRecorder recW2(&secondW);
    QVERIFY(secondW.open(w3));
    QTRY_VERIFY(recW2.isMade());
    secondW.write("ab");
    secondW.writeEof();
    QTRY_VERIFY(recW2.isLost());
    QCOMPARE(readAll(r4), QByteArray("ab"));
    QCOMPARE(recW2.events, seq("made,lost(0)"));
    QCOMPARE(recW.events, seq("made,lost(0)"));
}

void TestReadPipeTransport::s11_chunksAtMost256KiB()
{
    auto [r, w] = makePipe();
    constexpr int mib = 1024 * 1024;
    QCOMPARE(Sys::fcntl(w, F_SETPIPE_SZ, mib), mib);
    const QByteArray payload = randomBytes(mib, 11);
    QVERIFY(writeAll(w, payload));
    QCOMPARE(queued(r), mib);
    Sys::close(w);

    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.data.size(), payload.size());
    QCOMPARE(sha256(rec.data), sha256(payload));
    QVERIFY(rec.chunkSizes.size() >= 4);
    for (qsizetype size : std::as_const(rec.chunkSizes))
        QVERIFY2(size > 0 && size <= ReadPipeTransport::MaxChunk, qPrintable(QString::number(size)));
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s12_closeWithUnreadBytes()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());

    QVERIFY(putNow(w, QByteArray(100, 'u')));
    t.close(); // before the loop could read them
    QVERIFY(t.isClosing());
    QCOMPARE(rec.events, seq("made")); // connectionLost is queued, never synchronous
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.events, seq("made,lost(0)"));
    QVERIFY(rec.madeFdClosedAtLost);
    QVERIFY(isClosedFd(r));
    QCOMPARE(errnoOfWrite(w), EPIPE); // no reader left
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,lost(0)"));
}

void TestReadPipeTransport::s13_closeInsideDataReceived()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    // The peer's next 1000 B are in the kernel before close(): a drain loop that kept going
    // after the handler closed the transport would deliver them.
    connect(&t, &ReadPipeTransport::dataReceived, this, [&] {
        putNow(w, QByteArray(1000, '2'));
        t.close();
    });
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isMade());
    QVERIFY(putNow(w, QByteArray(1000, '1')));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.chunkSizes, QList<qsizetype>({ 1000 }));
    QCOMPARE(rec.data, QByteArray(1000, '1'));
    QCOMPARE(rec.events, seq("made,data,lost(0)"));
    QCOMPARE(errnoOfWrite(w), EPIPE);
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,data,lost(0)"));
}

void TestReadPipeTransport::s14_ptyHangupIsEio()
{
    // A pty master reads EIO once the slave side is closed (pty(7)).
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    QVERIFY2(master >= 0, std::strerror(errno));
    QCOMPARE(::grantpt(master), 0);
    QCOMPARE(::unlockpt(master), 0);
    const int slave = Sys::open(::ptsname(master), O_RDWR | O_NOCTTY);
    QVERIFY2(slave >= 0, std::strerror(errno));
    Sys::close(slave);

    MessageCapture capture;
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY2(t.open(master), qPrintable(t.errorString()));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.events, seq("made,lost(5)"));
    QCOMPARE(rec.lostError, EIO);
    QCOMPARE(t.error(), EIO);
    QVERIFY(rec.madeFdClosedAtLost);
    // A hung-up terminal is a normal end: EIO is not logged as an error.
    QVERIFY2(capture.warnings().isEmpty(), qPrintable(capture.warnings().join(u'\n')));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s14_otherReadErrorIsReportedAndLogged()
{
    // AF_UNIX stream: closing a socket that still has unread data makes its peer's next
    // read fail with ECONNRESET (net/unix/af_unix.c, unix_release_sock).
    int sv[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    QCOMPARE(::write(sv[0], "unread", 6), ssize_t(6));
    Sys::close(sv[1]);

    MessageCapture capture;
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY2(t.open(sv[0]), qPrintable(t.errorString()));
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.events, seq(qPrintable(QStringLiteral("made,lost(%1)").arg(ECONNRESET))));
    QCOMPARE(t.error(), ECONNRESET);
    QVERIFY(!t.errorString().isEmpty());
    QVERIFY2(!capture.warnings().isEmpty(), "a read error other than EIO must be logged");
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s37_regularFileOrDirectoryRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("regular file") << QStringLiteral("file");
    QTest::newRow("directory") << QStringLiteral("dir");
}

void TestReadPipeTransport::s37_regularFileOrDirectoryRefused()
{
    QFETCH(QString, kind);
    QTemporaryFile file;
    QVERIFY(file.open());
    const QByteArray path = kind == QLatin1String("file") ? file.fileName().toLocal8Bit()
                                                         : QByteArray("/tmp");
    const int fd = Sys::open(path.constData(), O_RDONLY);
    QVERIFY(fd >= 0);
    Fd guard(fd);
    QVERIFY(!isNonBlocking(fd));

    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(fd));
    QVERIFY2(!t.errorString().isEmpty(), "the refusal must say why");
    qInfo() << "refusal:" << t.errorString();
    QVERIFY(!isClosedFd(fd));     // left open ...
    QVERIFY(!isNonBlocking(fd));  // ... and untouched
    QCOMPARE(t.fd(), -1);
    QVERIFY(!t.isOpen());
    QVERIFY(!t.isReading());
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
}

void TestReadPipeTransport::s37_wrongAccessModeRefused()
{
    // DESIGN: a read transport needs a readable fd (asyncio accepts a write end and never
    // gets data).
    auto [r, w] = makePipe();
    Fd reader(r);
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(w));
    QVERIFY(!t.errorString().isEmpty());
    qInfo() << "refusal:" << t.errorString();
    QVERIFY(!isClosedFd(w));
    QVERIFY(!isNonBlocking(w));
    QCOMPARE(t.fd(), -1);
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
    QVERIFY(putNow(w, "still usable")); // untouched: the pipe still works
}

void TestReadPipeTransport::s38_devNullEofOrRefusedNeverHangs_asyncioHangsUvloopAborts()
{
    const int fd = Sys::open("/dev/null", O_RDONLY);
    QVERIFY(fd >= 0);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    if (!t.open(fd)) {
        QVERIFY(!t.errorString().isEmpty());
        QVERIFY(!isClosedFd(fd));
        QVERIFY(!isNonBlocking(fd));
        Sys::close(fd);
        QTest::qWait(50);
        QVERIFY(rec.events.isEmpty());
        return;
    }
    // Accepted as a character device: read() gives 0 at once, a clean EOF.
    QTRY_VERIFY_WITH_TIMEOUT(rec.isLost(), 3000);
    QCOMPARE(rec.events, seq("made,eof,lost(0)"));
    QVERIFY(rec.madeFdClosedAtLost);
}

void TestReadPipeTransport::s39_closedFdRefusedWithEbadf_data()
{
    QTest::addColumn<bool>("minusOne");
    QTest::newRow("closed fd") << false;
    QTest::newRow("-1") << true;
}

void TestReadPipeTransport::s39_closedFdRefusedWithEbadf()
{
    QFETCH(bool, minusOne);
    auto [r, w] = makePipe();
    Sys::close(w);
    Sys::close(r);
    const int fd = minusOne ? -1 : r;
    QVERIFY(isClosedFd(fd));

    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(!t.open(fd));
    QCOMPARE(t.error(), EBADF);
    QVERIFY2(t.errorString().contains(QString::fromLocal8Bit(std::strerror(EBADF))),
             qPrintable(t.errorString()));
    QCOMPARE(t.fd(), -1);
    QTest::qWait(50);
    QVERIFY(rec.events.isEmpty());
}

void TestReadPipeTransport::s40_nonBlockingSetAndNotRestored()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    // A second fd on the same open file description shows its flags after ours is closed.
    Fd sameDescription(::fcntl(r, F_DUPFD_CLOEXEC, 0));
    QVERIFY(!isNonBlocking(r));
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QVERIFY(isNonBlocking(r));
    t.close();
    QTRY_VERIFY(rec.isLost());
    QVERIFY(isClosedFd(r));
    QVERIFY(isNonBlocking(sameDescription.get())); // not restored (as asyncio)
}

void TestReadPipeTransport::s43_lifecycleCountsAndNothingAfterLost()
{
    // A busy life: data, pause, resume, more data, EOF. Then wait for stragglers.
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QVERIFY(putNow(w, QByteArray(3000, 'a')));
    QTRY_COMPARE(rec.data.size(), 3000);
    t.pauseReading();
    QVERIFY(putNow(w, QByteArray(3000, 'b')));
    QTest::qWait(20);
    t.resumeReading();
    QTRY_COMPARE(rec.data.size(), 6000);
    QVERIFY(putNow(w, QByteArray(3000, 'c')));
    writer.close();
    QTRY_VERIFY(rec.isLost());
    QTest::qWait(100);
    QCOMPARE(rec.count(QStringLiteral("made")), 1);
    QCOMPARE(rec.count(QStringLiteral("eof")), 1);
    QCOMPARE(rec.count(QStringLiteral("lost(0)")), 1);
    QCOMPARE(rec.events.first(), QStringLiteral("made"));
    QCOMPARE(rec.events.last(), QStringLiteral("lost(0)"));
    QCOMPARE(rec.data, QByteArray(3000, 'a') + QByteArray(3000, 'b') + QByteArray(3000, 'c'));
    VERIFY_LIFECYCLE(rec);
}

void TestReadPipeTransport::s44_afterLostFdIsClosed()
{
    auto [r, w] = makePipe();
    Sys::close(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    QTRY_VERIFY(rec.isLost());
    QVERIFY(isClosedFd(r));
    QCOMPARE(t.fd(), -1);
    QVERIFY(!t.isOpen());
    QVERIFY(t.isLost());
    QVERIFY(t.isClosing());
    QVERIFY(!t.isReading());
    QCOMPARE(t.error(), 0);
    // (asyncio drops its protocol here; a Qt transport has no protocol object, only
    // signals, and nothing is emitted after connectionLost: see s43.)
}

void TestReadPipeTransport::s45_destroyPausedWithoutClose()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    QVERIFY(putNow(w, QByteArray(500, 'd')));
    auto *t = new ReadPipeTransport;
    TransportRecorder rec(t);
    connect(t, &PipeTransport::connectionMade, this, [t] { t->pauseReading(); });
    QVERIFY(t->open(r));
    QTRY_VERIFY(rec.isMade());
    QCOMPARE(rec.events, seq("made,pauseR"));
    delete t; // no close()
    QVERIFY(isClosedFd(r));
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,pauseR")); // nothing from the destructor, nothing queued
    QCOMPARE(errnoOfWrite(w), EPIPE);         // the read end is really gone
}

void TestReadPipeTransport::contract_closeAndAbortIdempotentNeverSynchronous()
{
    auto [r, w] = makePipe();
    Fd writer(w);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY(t.open(r));
    t.close(); // before connectionMade: made still comes first, then lost
    t.close();
    t.abort();
    QVERIFY(rec.events.isEmpty());
    QTRY_VERIFY(rec.isLost());
    t.abort();
    t.close();
    QTest::qWait(50);
    QCOMPARE(rec.events, seq("made,lost(0)"));
    QCOMPARE(t.error(), 0);
}

void TestReadPipeTransport::contract_socketAccepted()
{
    int sv[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    Fd peer(sv[1]);
    ReadPipeTransport t;
    TransportRecorder rec(&t);
    QVERIFY2(t.open(sv[0]), qPrintable(t.errorString()));
    QCOMPARE(::write(sv[1], "sock", 4), ssize_t(4));
    QTRY_COMPARE(rec.data, QByteArray("sock"));
    peer.close();
    QTRY_VERIFY(rec.isLost());
    QCOMPARE(rec.sequence(), seq("made,data,eof,lost(0)"));
}

QTEST_GUILESS_MAIN(TestReadPipeTransport)
#include "tst_readpipetransport.moc"
