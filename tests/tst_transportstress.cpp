// Stress and robustness tests of the pipe transports on real pipes: 64 MiB of random data in
// random chunk sizes with random pause/resume on the reader (SHA-256 and order kept), a
// transport deleted from inside each of its signal handlers (no crash; run under ASan), and
// no fd leak over 1,000 open/close cycles (/proc/self/fd counted).
#include "transporttesting.h"

#include <pipescope/fd.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/sys.h>
#include <pipescope/writepipetransport.h>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <csignal>
#include <functional>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

constexpr qsizetype MiB = 1024 * 1024;

#define VERIFY_LIFECYCLE(rec) \
    QVERIFY2((rec).lifecycleProblem().isEmpty(), qPrintable((rec).lifecycleProblem()))

/// Runs the event loop until \a done or \a timeoutMs pass, without QTRY's 50 ms steps (the
/// fd-leak test waits thousands of times for events that are already due).
bool spinUntil(const std::function<bool()> &done, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
    return true;
}

/// Chunk sizes from 1 B to 1 MiB, log-uniform so small and large writes both come often.
qsizetype randomChunkSize(QRandomGenerator &rng)
{
    const auto roll = rng.bounded(100);
    if (roll == 0)
        return 1;
    if (roll == 1)
        return MiB;
    const double size = std::exp(rng.generateDouble() * std::log(double(MiB)));
    return qBound<qsizetype>(1, qsizetype(size), MiB);
}

/// The pause/resume signals among \a events strictly alternate, starting with \a pause.
bool alternates(const QStringList &events, const QString &pause, const QString &resume)
{
    bool paused = false;
    for (const QString &e : events) {
        if (e == pause) {
            if (paused)
                return false;
            paused = true;
        } else if (e == resume) {
            if (!paused)
                return false;
            paused = false;
        }
    }
    return true;
}

quint32 stressSeed()
{
    bool ok = false;
    const uint fromEnv = qEnvironmentVariable("PIPESCOPE_STRESS_SEED").toUInt(&ok);
    return ok ? fromEnv : 20240607u;
}

} // namespace

class TestTransportStress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void randomChunksRandomPause64MiB_data();
    void randomChunksRandomPause64MiB();
    void deleteReaderInsideHandler_data();
    void deleteReaderInsideHandler();
    void deleteWriterInsideHandler_data();
    void deleteWriterInsideHandler();
    void noFdLeakOver1000Cycles();
    void busyPipeDoesNotStarveAnother();
};

void TestTransportStress::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL); // the transports must protect the process themselves
}

void TestTransportStress::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSocketNotifier")));
}

void TestTransportStress::randomChunksRandomPause64MiB_data()
{
    QTest::addColumn<int>("pipeSize");
    QTest::newRow("64 KiB pipe") << 65536;
    QTest::newRow("1 MiB pipe") << int(MiB);
}

void TestTransportStress::randomChunksRandomPause64MiB()
{
    QFETCH(int, pipeSize);
    constexpr qsizetype Total = 64 * MiB;
    const quint32 seed = stressSeed();
    qInfo("seed %u (set PIPESCOPE_STRESS_SEED to replay)", seed);
    QRandomGenerator rng(seed);
    const QByteArray source = randomBytes(Total, seed);
    const QByteArray expectedSha = sha256(source);

    auto [r, w] = makePipe();
    QCOMPARE(Sys::fcntl(w, F_SETPIPE_SZ, pipeSize), pipeSize);
    WritePipeTransport writer;
    ReadPipeTransport reader;
    TransportRecorder wrec(&writer), rrec(&reader);
    rrec.keepData = false;

    // Writer: write random chunks whenever flow control allows; writeLines now and then.
    qsizetype sent = 0;
    int writes = 0;
    auto pump = [&] {
        while (!writer.isWritingPaused() && sent < Total) {
            const qsizetype size = qMin(randomChunkSize(rng), Total - sent);
            const QByteArray chunk = source.mid(sent, size);
            if (size > 2 && rng.bounded(8) == 0)
                writer.writeLines({ chunk.left(size / 3), chunk.mid(size / 3) });
            else
                writer.write(chunk);
            sent += size;
            ++writes;
        }
        if (sent == Total && !writer.isClosing())
            writer.writeEof();
    };
    connect(&writer, &PipeTransport::connectionMade, this, pump);
    connect(&writer, &WritePipeTransport::writingResumed, this, pump);

    // Reader: hash as it comes; pause at random from inside dataReceived and from a timer,
    // resume after 0-3 ms.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qsizetype received = 0;
    qsizetype largestChunk = 0;
    int dataWhilePaused = 0;
    int pauses = 0;
    auto pauseForAWhile = [&] {
        if (!reader.isReading())
            return;
        reader.pauseReading();
        ++pauses;
        QTimer::singleShot(int(rng.bounded(4)), &reader, [&] { reader.resumeReading(); });
    };
    connect(&reader, &ReadPipeTransport::dataReceived, this, [&](const QByteArray &chunk) {
        if (reader.isPaused())
            ++dataWhilePaused;
        hash.addData(chunk);
        received += chunk.size();
        largestChunk = qMax(largestChunk, chunk.size());
        if (rng.bounded(8) == 0)
            pauseForAWhile();
    });
    QTimer randomPauser;
    connect(&randomPauser, &QTimer::timeout, this, [&] {
        if (rng.bounded(4) == 0)
            pauseForAWhile();
    });
    randomPauser.start(2);

    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(reader.open(r));
    QVERIFY(writer.open(w));
    QTRY_VERIFY_WITH_TIMEOUT(rrec.isLost(), 240000);
    QTRY_VERIFY(wrec.isLost());
    randomPauser.stop();
    qInfo("%lld bytes in %d writes, %lld data signals, %d pauses, largest read %lld, %lld ms",
          qint64(Total), writes, qint64(rrec.count(QStringLiteral("data"))), pauses,
          qint64(largestChunk), qint64(elapsed.elapsed()));

    QCOMPARE(received, Total);
    QCOMPARE(hash.result().toHex(), expectedSha); // same bytes, same order
    QCOMPARE(dataWhilePaused, 0);
    QVERIFY(largestChunk <= ReadPipeTransport::MaxChunk);
    QVERIFY2(pauses >= 20, qPrintable(QString::number(pauses)));
    QCOMPARE(rrec.lostError, 0);
    QCOMPARE(wrec.lostError, 0);
    QCOMPARE(rrec.count(QStringLiteral("eof")), 1);
    QVERIFY(alternates(rrec.events, QStringLiteral("pauseR"), QStringLiteral("resumeR")));
    QVERIFY(alternates(wrec.events, QStringLiteral("pauseW"), QStringLiteral("resumeW")));
    QVERIFY(wrec.count(QStringLiteral("pauseW")) >= 10);
    QCOMPARE(writer.bytesWritten(), quint64(Total));
    QCOMPARE(reader.bytesReceived(), quint64(Total));
    VERIFY_LIFECYCLE(rrec);
    VERIFY_LIFECYCLE(wrec);
}

void TestTransportStress::deleteReaderInsideHandler_data()
{
    QTest::addColumn<QString>("signal");
    QTest::newRow("connectionMade") << QStringLiteral("made");
    QTest::newRow("connectionMade, pause pending") << QStringLiteral("made+pending");
    QTest::newRow("dataReceived") << QStringLiteral("data");
    QTest::newRow("dataReceived, 1 MiB queued") << QStringLiteral("data+queued");
    QTest::newRow("eofReceived") << QStringLiteral("eof");
    QTest::newRow("readingPaused") << QStringLiteral("pauseR");
    QTest::newRow("readingPaused before made") << QStringLiteral("pauseR+early");
    QTest::newRow("readingResumed") << QStringLiteral("resumeR");
    QTest::newRow("connectionLost after close") << QStringLiteral("lost");
    QTest::newRow("connectionLost after EOF") << QStringLiteral("lost+eof");
}

void TestTransportStress::deleteReaderInsideHandler()
{
    QFETCH(QString, signal);
    auto [r, w] = makePipe();
    Fd writer(w);
    QPointer<ReadPipeTransport> t = new ReadPipeTransport;
    TransportRecorder rec(t);
    int handled = 0;
    auto deleteIt = [&] {
        ++handled;
        delete t.data();
    };
    const QString base = signal.section(u'+', 0, 0);
    if (base == QLatin1String("made"))
        connect(t, &PipeTransport::connectionMade, this, deleteIt);
    else if (base == QLatin1String("data"))
        connect(t, &ReadPipeTransport::dataReceived, this, deleteIt);
    else if (base == QLatin1String("eof"))
        connect(t, &ReadPipeTransport::eofReceived, this, deleteIt);
    else if (base == QLatin1String("pauseR"))
        connect(t, &ReadPipeTransport::readingPaused, this, deleteIt);
    else if (base == QLatin1String("resumeR"))
        connect(t, &ReadPipeTransport::readingResumed, this, deleteIt);
    else if (base == QLatin1String("lost"))
        connect(t, &PipeTransport::connectionLost, this, deleteIt);

    if (signal == QLatin1String("data+queued")) {
        QCOMPARE(Sys::fcntl(w, F_SETPIPE_SZ, int(MiB)), int(MiB));
        QVERIFY(writeAll(w, randomBytes(MiB, 2)));
    } else {
        QVERIFY(writeAll(w, QByteArray(1000, 'z')));
    }
    QVERIFY(t->open(r));
    if (signal == QLatin1String("made+pending") || signal == QLatin1String("pauseR+early"))
        t->pauseReading(); // its signal is pending until connectionMade
    if (signal == QLatin1String("eof") || signal == QLatin1String("lost+eof"))
        writer.close();
    QVERIFY(spinUntil([&] { return rec.isMade(); }));
    if (t && signal == QLatin1String("pauseR"))
        t->pauseReading(); // deleted inside pauseReading()
    if (t && signal == QLatin1String("resumeR")) {
        t->pauseReading();
        t->resumeReading(); // deleted inside resumeReading()
    }
    if (t && signal == QLatin1String("lost"))
        t->close();

    QTRY_VERIFY(t.isNull());
    QCOMPARE(handled, 1);
    QVERIFY(isClosedFd(r));
    const QStringList seen = rec.events;
    QTest::qWait(50); // queued calls to the dead transport must not run
    QCOMPARE(rec.events, seen);
    QCOMPARE(handled, 1);
    if (writer) {
        errno = 0;
        QCOMPARE(::write(w, "x", 1), ssize_t(-1)); // the read end is gone ...
        QCOMPARE(errno, EPIPE);                   // ... and we were not killed
    }
}

void TestTransportStress::deleteWriterInsideHandler_data()
{
    QTest::addColumn<QString>("signal");
    QTest::newRow("connectionMade") << QStringLiteral("made");
    QTest::newRow("writingPaused inside write()") << QStringLiteral("pauseW");
    QTest::newRow("writingPaused inside setWriteBufferLimits()") << QStringLiteral("pauseW+limits");
    QTest::newRow("writingPaused before made") << QStringLiteral("pauseW+early");
    QTest::newRow("writingResumed") << QStringLiteral("resumeW");
    QTest::newRow("writingResumed while closing") << QStringLiteral("resumeW+closing");
    QTest::newRow("connectionLost after writeEof") << QStringLiteral("lost");
    QTest::newRow("connectionLost EPIPE") << QStringLiteral("lost+epipe");
}

void TestTransportStress::deleteWriterInsideHandler()
{
    QFETCH(QString, signal);
    auto [r, w] = makePipe();
    Fd reader(r);
    QPointer<WritePipeTransport> t = new WritePipeTransport;
    TransportRecorder rec(t);
    int handled = 0;
    auto deleteIt = [&] {
        ++handled;
        delete t.data();
    };
    const QString base = signal.section(u'+', 0, 0);
    if (base == QLatin1String("made"))
        connect(t, &PipeTransport::connectionMade, this, deleteIt);
    else if (base == QLatin1String("pauseW"))
        connect(t, &WritePipeTransport::writingPaused, this, deleteIt);
    else if (base == QLatin1String("resumeW"))
        connect(t, &WritePipeTransport::writingResumed, this, deleteIt);
    else if (base == QLatin1String("lost"))
        connect(t, &PipeTransport::connectionLost, this, deleteIt);

    QVERIFY(t->open(w));
    if (signal == QLatin1String("pauseW+early")) {
        t->write(QByteArray(65536, 'a'));
        t->write(QByteArray(70000, 'b'));
    }
    QVERIFY(spinUntil([&] { return rec.isMade(); }));
    if (t && signal == QLatin1String("pauseW")) {
        t->write(QByteArray(65536, 'a'));
        t->write(QByteArray(70000, 'b')); // deleted inside this write()
    }
    if (t && signal == QLatin1String("pauseW+limits")) {
        t->write(QByteArray(65536, 'a'));
        t->write(QByteArray(1000, 'b'));
        t->setWriteBufferLimits(10); // deleted inside
    }
    if (t && base == QLatin1String("resumeW")) {
        t->write(QByteArray(65536, 'a'));
        t->write(QByteArray(200000, 'b'));
        if (signal == QLatin1String("resumeW+closing"))
            t->close();
        QVERIFY(t->isWritingPaused());
        // Drain in a thread so the writer flushes and resumes.
        ThreadReader drain(reader.release(), 65536, std::chrono::microseconds(0));
        QTRY_VERIFY(t.isNull());
        QTRY_VERIFY(drain.atEof()); // deleting the writer closed the write end
    }
    if (t && signal == QLatin1String("lost")) {
        t->write("bye");
        t->writeEof();
    }
    if (t && signal == QLatin1String("lost+epipe"))
        reader.close();

    QTRY_VERIFY(t.isNull());
    QCOMPARE(handled, 1);
    QVERIFY(isClosedFd(w));
    const QStringList seen = rec.events;
    QTest::qWait(50);
    QCOMPARE(rec.events, seen);
    QCOMPARE(handled, 1);
    if (reader) { // the write end is closed: the reader drains what got in, then EOF
        const QByteArray rest = readAll(reader.get());
        QVERIFY(rest.size() <= 65536 + 3);
    }
}

void TestTransportStress::noFdLeakOver1000Cycles()
{
    const int before = openFdCount();
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; i < 1000; ++i) {
        auto [r, w] = makePipe();
        auto *reader = new ReadPipeTransport;
        auto *writer = new WritePipeTransport;
        TransportRecorder rrec(reader), wrec(writer);
        switch (i % 5) {
        case 0: // a whole exchange
            QVERIFY(reader->open(r));
            QVERIFY(writer->open(w));
            writer->write(randomBytes(10000, quint32(i)));
            writer->writeEof();
            QVERIFY(spinUntil([&] { return rrec.isLost() && wrec.isLost(); }));
            QCOMPARE(rrec.data.size(), qsizetype(10000));
            break;
        case 1: // both ended before connectionMade
            QVERIFY(reader->open(r));
            QVERIFY(writer->open(w));
            reader->close();
            writer->abort();
            QVERIFY(spinUntil([&] { return rrec.isLost() && wrec.isLost(); }));
            break;
        case 2: // destroyed while open, with bytes buffered
            QVERIFY(reader->open(r));
            QVERIFY(writer->open(w));
            reader->pauseReading();
            writer->write(QByteArray(100000, 'q'));
            QVERIFY(spinUntil([&] { return rrec.isMade() && wrec.isMade(); }));
            break;
        case 3: // the reader leaves: EPIPE
            QVERIFY(writer->open(w));
            Sys::close(r);
            writer->write(QByteArray(100, 'e'));
            QVERIFY(spinUntil([&] { return wrec.isLost(); }));
            QCOMPARE(wrec.lostError, EPIPE);
            break;
        case 4: // refused opens leave the fds to us
            QVERIFY(!reader->open(w));
            QVERIFY(!writer->open(r));
            Sys::close(r);
            Sys::close(w);
            break;
        }
        delete reader;
        delete writer;
        if (i % 100 == 99)
            QCOMPARE(openFdCount(), before);
    }
    QCoreApplication::processEvents();
    QCOMPARE(openFdCount(), before);
    qInfo("1000 cycles in %lld ms", qint64(elapsed.elapsed()));
}

void TestTransportStress::busyPipeDoesNotStarveAnother()
{
    // DESIGN: at most 1 MiB is read per wake-up, so a pipe that a thread keeps full cannot
    // hold up the event loop: a byte on another pipe still arrives promptly.
    auto [busyR, busyW] = makePipe();
    QCOMPARE(Sys::fcntl(busyW, F_SETPIPE_SZ, int(MiB)), int(MiB));
    std::atomic<bool> stop { false };
    std::thread flood([w = busyW, &stop] {
        const QByteArray block(256 * 1024, 'f');
        while (!stop && writeAll(w, block)) { }
        ::close(w); // writeAll failed with EPIPE once the reader closed, or we stopped
    });
    auto [quietR, quietW] = makePipe();
    Fd quietWriter(quietW);
    ReadPipeTransport busy, quiet;
    TransportRecorder busyRec(&busy), quietRec(&quiet);
    busyRec.keepData = false;
    qint64 busyBytes = 0;
    connect(&busy, &ReadPipeTransport::dataReceived, this,
            [&](const QByteArray &chunk) { busyBytes += chunk.size(); });
    QVERIFY(busy.open(busyR));
    QVERIFY(quiet.open(quietR));
    QTRY_VERIFY(busyBytes >= 8 * MiB);
    QVERIFY(writeAll(quietW, "!"));
    QElapsedTimer waited;
    waited.start();
    QVERIFY(spinUntil([&] { return quietRec.data == "!"; }, 2000));
    const qint64 ms = waited.elapsed();
    const qint64 busyBefore = busyBytes;
    QVERIFY(spinUntil([&] { return busyBytes > busyBefore; }, 2000)); // still streaming
    stop = true;
    busy.close(); // the flood thread's next write gets EPIPE
    flood.join();
    QTRY_VERIFY(busyRec.isLost());
    qInfo("byte on the quiet pipe after %lld ms while %lld MiB streamed on the busy one", ms,
          busyBytes / MiB);
    QVERIFY(ms < 1000);
}

QTEST_GUILESS_MAIN(TestTransportStress)
#include "tst_transportstress.moc"
