// LabPipe on real pipes and FIFOs: counters, pause/resume back-pressure in the kernel then in
// the transport, EPIPE, FIFO waiting, hex/file input, capacity, the slow consumer.
#include "testsupport.h"

#include <pipescope/lab.h>
#include <pipescope/labeventlog.h>
#include <pipescope/labgenerator.h>
#include <pipescope/labpipe.h>
#include <pipescope/labslowconsumer.h>
#include <pipescope/pipelimits.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <sys/stat.h>
#include <unistd.h>

using namespace PipeScope;

class TestLabPipe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sendCountsAndKeepsBytes();
    void receivedTailIsCapped();
    void pauseFillsKernelThenTransportThenPausesWriter();
    void resumeDrainsEverythingInOrder();
    void closingReaderBreaksWriterWithEpipe();
    void writeEofGivesReaderEof();
    void fifoWriterWaitsForReader();
    void fifoPathThatIsNotAFifo();
    void parseHex_data();
    void parseHex();
    void sendFileErrors_data();
    void sendFileErrors();
    void sendFileWritesContents();
    void capacityRoundedAndRefused();
    void peekShowsQueuedBytesWithoutConsuming();
    void slowConsumerLimitsRate();
    void generatorRateIsKept();
};

namespace {

/// Drives the lab's tick until \a done or \a ms pass.
bool tickUntil(Lab &lab, const std::function<bool()> &done, int ms = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > ms)
            return false;
        lab.tick();
        QTest::qWait(5);
    }
    return true;
}

} // namespace

void TestLabPipe::initTestCase()
{
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, and
    // the transports must make a reader that went away an EPIPE, not a dead process.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestLabPipe::sendCountsAndKeepsBytes()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe(QStringLiteral("p"));
    QVERIFY(pipe);
    QCOMPARE(pipe->kind(), LabPipe::Kind::Anonymous);
    const QByteArray data = Test::randomBytes(10000, 7);
    pipe->send(data);
    QTRY_COMPARE(pipe->bytesRead(), quint64(data.size()));
    QCOMPARE(pipe->bytesWritten(), qint64(data.size()));
    QCOMPARE(Test::sha256(pipe->receivedTail()), Test::sha256(data));
    QCOMPARE(pipe->receivedTailOffset(), quint64(0));
    const LabPipeSnapshot s = pipe->snapshot();
    QCOMPARE(s.readerState, LabPipe::ReaderState::Reading);
    QCOMPARE(s.writerState, LabPipe::WriterState::Writing);
    QCOMPARE(s.queued, qint64(0));
    QCOMPARE(s.capacity, qint64(65536));
}

void TestLabPipe::receivedTailIsCapped()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    const QByteArray data = Test::randomBytes(3 * LabPipe::ReceivedTailSize + 123, 3);
    pipe->send(data);
    QTRY_COMPARE(pipe->bytesRead(), quint64(data.size()));
    QCOMPARE(pipe->receivedTail(), data.right(LabPipe::ReceivedTailSize));
    QCOMPARE(pipe->receivedTailOffset(), quint64(data.size() - LabPipe::ReceivedTailSize));
}

void TestLabPipe::pauseFillsKernelThenTransportThenPausesWriter()
{
    Lab lab;
    lab.setTicking(false);
    LabPipe *pipe = lab.addAnonymousPipe();
    QSignalSpy paused(pipe->writer(), &WritePipeTransport::writingPaused);
    QVERIFY(paused.isValid());
    pipe->pauseReading();
    QCOMPARE(pipe->readerState(), LabPipe::ReaderState::Paused);
    LabGenerator *generator = pipe->generator();
    generator->setRate(64 * 1024);
    generator->setChunkSize(512);
    generator->start();
    // While the transport buffers anything, the kernel pipe is full: 512 divides a page, so
    // "full" is exactly the capacity (docs/kernel-behaviour.md §10).
    QVERIFY(tickUntil(lab, [&] {
        const LabPipeSnapshot s = pipe->snapshot();
        if (s.writeBufferSize > 0 && s.queued != s.capacity)
            qFatal("transport buffered %lld bytes with the kernel at %lld of %lld", s.writeBufferSize,
                   s.queued, s.capacity);
        return !paused.isEmpty();
    }, 10000));
    const LabPipeSnapshot s = pipe->snapshot();
    QCOMPARE(s.queued, qint64(65536));
    QCOMPARE(Test::queued(pipe->reader()->fd()), 65536);
    QVERIFY2(s.writeBufferSize > s.highWater, qPrintable(QString::number(s.writeBufferSize)));
    QVERIFY(s.writeBufferSize <= s.highWater + 512);
    QCOMPARE(s.writerState, LabPipe::WriterState::WritingPaused);
    QCOMPARE(pipe->bytesRead(), quint64(0));
    // Paused writing stops the generator producing: no more bytes however long we tick.
    const quint64 generated = generator->bytesGenerated();
    for (int i = 0; i < 20; ++i) {
        lab.tick();
        QTest::qWait(5);
    }
    QCOMPARE(generator->bytesGenerated(), generated);
    QCOMPARE(quint64(pipe->bytesWritten()) + quint64(s.writeBufferSize), generated);
}

void TestLabPipe::resumeDrainsEverythingInOrder()
{
    Lab lab;
    lab.setTicking(false);
    LabPipe *pipe = lab.addAnonymousPipe();
    QSignalSpy resumed(pipe->writer(), &WritePipeTransport::writingResumed);
    QVERIFY(resumed.isValid());
    pipe->pauseReading();
    pipe->generator()->setRate(0);
    pipe->generator()->start();
    QVERIFY(tickUntil(lab, [&] { return pipe->writer()->isWritingPaused(); }));
    pipe->generator()->stop();
    const quint64 generated = pipe->generator()->bytesGenerated();
    pipe->resumeReading();
    QTRY_COMPARE(pipe->bytesRead(), generated);
    QCOMPARE(resumed.size(), 1);
    QCOMPARE(pipe->snapshot().queued, qint64(0));
    QCOMPARE(pipe->writer()->writeBufferSize(), qsizetype(0));
    // The text pattern is numbered lines of 64 bytes: the tail must still line up with them.
    const QByteArray tail = pipe->receivedTail();
    const qsizetype firstLine = tail.indexOf('#');
    QVERIFY(firstLine >= 0);
    QCOMPARE((pipe->receivedTailOffset() + quint64(firstLine)) % 64, quint64(0));
    QCOMPARE(tail.at(firstLine + 63), '\n');
}

void TestLabPipe::closingReaderBreaksWriterWithEpipe()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    QSignalSpy lost(pipe->writer(), &PipeTransport::connectionLost);
    QVERIFY(lost.isValid());
    QTRY_VERIFY(pipe->reader()->fd() >= 0 && pipe->snapshot().readerState == LabPipe::ReaderState::Reading);
    pipe->closeReader();
    QTRY_COMPARE(pipe->readerState(), LabPipe::ReaderState::Closed);
    pipe->send("after the reader left");
    QTRY_COMPARE(lost.size(), 1);
    QCOMPARE(lost.at(0).at(0).toInt(), EPIPE);
    const LabPipeSnapshot s = pipe->snapshot();
    QCOMPARE(s.writerState, LabPipe::WriterState::Broken);
    QCOMPARE(s.writerError, QStringLiteral("EPIPE (Broken pipe)"));
    QCOMPARE(s.queued, qint64(-1)); // no fd of the pipe left in the lab
}

void TestLabPipe::writeEofGivesReaderEof()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    pipe->send("last words\n");
    pipe->writeEof();
    QTRY_COMPARE(pipe->readerState(), LabPipe::ReaderState::Eof);
    QCOMPARE(pipe->writerState(), LabPipe::WriterState::Closed);
    QCOMPARE(pipe->receivedTail(), QByteArray("last words\n"));
}

void TestLabPipe::fifoWriterWaitsForReader()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("lab.fifo"));
    Lab lab;
    Error error;
    LabPipe *pipe = lab.addFifo(path, false, &error);
    QVERIFY2(pipe, qPrintable(error.message()));
    QTRY_COMPARE(pipe->writerState(), LabPipe::WriterState::WaitingForReader);
    QCOMPARE(pipe->readerState(), LabPipe::ReaderState::NotOpen);
    // It keeps waiting: a blocking open() would hang exactly here.
    QTest::qWait(100);
    QCOMPARE(pipe->writerState(), LabPipe::WriterState::WaitingForReader);
    QVERIFY2(pipe->openFifoReader(&error), qPrintable(error.message()));
    QTRY_COMPARE(pipe->writerState(), LabPipe::WriterState::Writing);
    pipe->send("through the fifo");
    QTRY_COMPARE(pipe->receivedTail(), QByteArray("through the fifo"));
    QVERIFY(!pipe->openFifoReader(&error));
}

void TestLabPipe::fifoPathThatIsNotAFifo()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("plain")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    Lab lab;
    Error error;
    QVERIFY(!lab.addFifo(file.fileName(), true, &error));
    QVERIFY2(error.message().contains(file.fileName()), qPrintable(error.message()));
    QVERIFY2(error.message().contains(QStringLiteral("FIFO"), Qt::CaseInsensitive), qPrintable(error.message()));
    QVERIFY(lab.pipes().isEmpty());
}

void TestLabPipe::parseHex_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("spaced") << QStringLiteral("de ad be ef") << QByteArray("\xde\xad\xbe\xef") << QString();
    QTest::newRow("packed") << QStringLiteral("48690a") << QByteArray("Hi\n") << QString();
    QTest::newRow("0x commas") << QStringLiteral("0x41,0x42") << QByteArray("AB") << QString();
    QTest::newRow("colons") << QStringLiteral("00:ff") << QByteArray("\x00\xff", 2) << QString();
    QTest::newRow("bad digit") << QStringLiteral("de zz") << QByteArray() << QStringLiteral("\"zz\"");
    QTest::newRow("odd length") << QStringLiteral("abc") << QByteArray() << QStringLiteral("\"abc\"");
    QTest::newRow("empty") << QStringLiteral("  ") << QByteArray() << QStringLiteral("no hex");
    QTest::newRow("bare 0x") << QStringLiteral("0x") << QByteArray() << QStringLiteral("\"0x\"");
}

void TestLabPipe::parseHex()
{
    QFETCH(QString, input);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, errorPart);
    Error error;
    const std::optional<QByteArray> parsed = LabPipe::parseHex(input, &error);
    if (errorPart.isEmpty()) {
        QVERIFY2(parsed, qPrintable(error.message()));
        QCOMPARE(*parsed, bytes);
    } else {
        QVERIFY(!parsed);
        QVERIFY2(error.message().contains(errorPart), qPrintable(error.message()));
    }
}

void TestLabPipe::sendFileErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("missing") << QStringLiteral("/nonexistent/file") << QStringLiteral("No such file");
    QTest::newRow("directory") << QStringLiteral("/tmp") << QStringLiteral("not a regular file");
    QTest::newRow("device") << QStringLiteral("/dev/zero") << QStringLiteral("not a regular file");
}

void TestLabPipe::sendFileErrors()
{
    QFETCH(QString, path);
    QFETCH(QString, errorPart);
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    Error error;
    QVERIFY(!pipe->sendFile(path, &error));
    QVERIFY2(error.message().contains(errorPart) && error.message().contains(path), qPrintable(error.message()));
    QCOMPARE(pipe->bytesWritten(), qint64(0));
}

void TestLabPipe::sendFileWritesContents()
{
    QTemporaryDir dir;
    const QByteArray data = Test::randomBytes(200000, 11);
    QFile file(dir.filePath(QStringLiteral("data.bin")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
    file.close();
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    Error error;
    QVERIFY2(pipe->sendFile(file.fileName(), &error), qPrintable(error.message()));
    QTRY_COMPARE(pipe->bytesRead(), quint64(data.size()));
    QCOMPARE(pipe->receivedTail(), data.right(LabPipe::ReceivedTailSize));
    if (::geteuid() != 0) {
        ::chmod(QFile::encodeName(file.fileName()).constData(), 0);
        QVERIFY(!pipe->sendFile(file.fileName(), &error));
        QVERIFY2(error.message().contains(QStringLiteral("open")), qPrintable(error.message()));
    }
}

void TestLabPipe::capacityRoundedAndRefused()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    Error error;
    QCOMPARE(pipe->setCapacity(100000, &error), std::optional<int>(131072));
    QCOMPARE(pipe->snapshot().capacity, qint64(131072));
    // Above /proc/sys/fs/pipe-max-size needs CAP_SYS_RESOURCE, which this VM's root lacks
    // (docs/kernel-behaviour.md §2); if the test runs with it, the kernel grants the size instead.
    const qint64 max = PipeLimits::pipeMaxSize();
    QVERIFY(max > 0);
    const std::optional<int> huge = pipe->setCapacity(int(max * 2), &error);
    if (!huge)
        QVERIFY2(error.message().contains(QStringLiteral("EPERM")) || error.message().contains(QStringLiteral("Operation not permitted")), qPrintable(error.message()));
    // Shrinking below what is queued: EBUSY, counted in page slots.
    pipe->pauseReading();
    QTRY_VERIFY(!pipe->reader()->isReading());
    pipe->send(QByteArray(3 * 4096, 'x'));
    QTRY_COMPARE(pipe->snapshot().queued, qint64(3 * 4096));
    QVERIFY(!pipe->setCapacity(4096, &error));
    QVERIFY2(error.message().contains(QStringLiteral("EBUSY")) || error.message().contains(QStringLiteral("busy")), qPrintable(error.message()));
    const auto &entries = lab.eventLog()->entries();
    QVERIFY(std::any_of(entries.begin(), entries.end(), [](const LabEvent &e) {
        return e.event == u"F_SETPIPE_SZ" && e.detail.contains(QStringLiteral("refused"));
    }));
}

void TestLabPipe::peekShowsQueuedBytesWithoutConsuming()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    pipe->pauseReading();
    QTRY_VERIFY(pipe->reader()->isOpen() && !pipe->reader()->isReading());
    pipe->send("queued, not read");
    QTRY_COMPARE(pipe->snapshot().queued, qint64(16));
    Error error;
    QCOMPARE(pipe->peek(1024, &error), std::optional<QByteArray>("queued, not read"));
    QCOMPARE(pipe->snapshot().queued, qint64(16));
    QCOMPARE(pipe->bytesRead(), quint64(0));
    pipe->resumeReading();
    QTRY_COMPARE(pipe->receivedTail(), QByteArray("queued, not read"));
    QCOMPARE(pipe->peek(1024, &error), std::optional<QByteArray>(QByteArray()));
}

void TestLabPipe::slowConsumerLimitsRate()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    // A one-page pipe bounds the bursts: a resumed reader reads all that is queued at once.
    Error error;
    QVERIFY2(pipe->setCapacity(4096, &error), qPrintable(error.message()));
    pipe->slowConsumer()->setMaxRate(20000);
    pipe->generator()->setRate(100000);
    pipe->generator()->setChunkSize(1000);
    pipe->generator()->start();
    QTest::qWait(2000);
    const double rate = double(pipe->bytesRead()) / 2.0;
    // A token bucket over pause/resume: the average stays near the limit (bursts are a chunk).
    QVERIFY2(rate > 10000 && rate < 30000, qPrintable(QString::number(rate)));
    // Back-pressure reached the writer: the transport buffer passed the high-water mark.
    const auto &entries = lab.eventLog()->entries();
    QVERIFY(std::any_of(entries.begin(), entries.end(), [](const LabEvent &e) {
        return e.event == u"writingPaused";
    }));
    QVERIFY(std::any_of(entries.begin(), entries.end(), [](const LabEvent &e) {
        return e.event == u"readingPaused" && e.detail.contains(QStringLiteral("slow consumer"));
    }));
}

void TestLabPipe::generatorRateIsKept()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    pipe->generator()->setRate(50000);
    pipe->generator()->setChunkSize(500);
    QElapsedTimer timer;
    timer.start();
    pipe->generator()->start();
    QTest::qWait(1500);
    const double rate = double(pipe->bytesRead()) * 1000.0 / double(timer.elapsed());
    QVERIFY2(rate > 35000 && rate < 55000, qPrintable(QString::number(rate)));
    pipe->generator()->stop();
    QCOMPARE(pipe->generator()->bytesGenerated() % 500, quint64(0));
}

QTEST_GUILESS_MAIN(TestLabPipe)
#include "tst_labpipe.moc"
