#include "transportmodel.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace PipeScope::Test {

namespace {

// The stream every sequence writes repeats random bytes with a prime period, so a lost,
// repeated or reordered piece shows, and a slice is one memcpy (twice the period is kept so
// that every slice up to a period long is contiguous).
constexpr qsizetype StreamPeriod = 1'048'573;

const QByteArray &streamTable()
{
    static const QByteArray table = [] {
        const QByteArray once = randomBytes(StreamPeriod, 20261206);
        return once + once;
    }();
    return table;
}

} // namespace

TransportModelRun::TransportModelRun(quint64 seed, bool throughCat)
    : m_random(quint32(seed ^ (seed >> 32))), m_throughCat(throughCat)
{
}

TransportModelRun::~TransportModelRun()
{
    delete m_writer;
    delete m_reader;
}

QString TransportModelRun::execute(ModelStats *stats)
{
    m_stats = stats;
    if (!setUp())
        return m_failure;
    if (m_selfTestExtra) {
        for (int i = 0; i < 3; ++i)
            doWrite(1000);
    } else {
        const int steps = m_random.bounded(5, 40);
        for (int i = 0; i < steps && m_failure.isEmpty(); ++i) {
            step();
            runLoop(m_random.bounded(4));
            checkState();
        }
    }
    if (m_failure.isEmpty())
        settle();
    if (m_failure.isEmpty())
        checkFinal();
    return m_failure;
}

bool TransportModelRun::setUp()
{
    int writeFd = -1;
    int readFd = -1;
    if (m_throughCat) {
        m_cat = std::make_unique<ChildProcess>();
        if (!m_cat->start(QStringLiteral("cat"))) {
            fail(QStringLiteral("cannot start cat: %1").arg(m_cat->errorString()));
            return false;
        }
        writeFd = m_cat->takeStdinFd();
        readFd = m_cat->takeStdoutFd();
    } else {
        std::tie(readFd, writeFd) = makePipe();
    }
    m_writer = new WritePipeTransport;
    m_reader = new ReadPipeTransport;
    connectWriter();
    connectReader();
    if (!m_writer->open(writeFd) || !m_reader->open(readFd)) {
        fail(QStringLiteral("open: %1 %2").arg(m_writer->errorString(), m_reader->errorString()));
        return false;
    }
    if (!waitFor([this] { return m_w.made && m_r.made; }, 5000))
        fail(QStringLiteral("no connectionMade"));
    return m_failure.isEmpty();
}

void TransportModelRun::connectWriter()
{
    connect(m_writer, &PipeTransport::connectionMade, this, [this] {
        if (m_w.made++ || m_w.lost)
            fail(QStringLiteral("writer: connectionMade twice or after the loss"));
    });
    connect(m_writer, &WritePipeTransport::writingPaused, this, &TransportModelRun::onWriterPaused);
    connect(m_writer, &WritePipeTransport::writingResumed, this, &TransportModelRun::onWriterResumed);
    connect(m_writer, &PipeTransport::connectionLost, this, &TransportModelRun::onWriterLost);
}

void TransportModelRun::connectReader()
{
    connect(m_reader, &PipeTransport::connectionMade, this, [this] {
        if (m_r.made++ || m_r.lost)
            fail(QStringLiteral("reader: connectionMade twice or after the loss"));
    });
    connect(m_reader, &ReadPipeTransport::dataReceived, this, &TransportModelRun::onData);
    connect(m_reader, &ReadPipeTransport::eofReceived, this, &TransportModelRun::onEof);
    connect(m_reader, &ReadPipeTransport::readingPaused, this, [this] {
        if (!m_readerPaused)
            fail(QStringLiteral("readingPaused without a pause"));
    });
    connect(m_reader, &ReadPipeTransport::readingResumed, this, [this] {
        if (m_readerPaused)
            fail(QStringLiteral("readingResumed without a resume"));
    });
    connect(m_reader, &PipeTransport::connectionLost, this, &TransportModelRun::onReaderLost);
}

void TransportModelRun::step()
{
    ++m_stats->operations;
    const int pick = m_random.bounded(100);
    if (pick < 40)
        doWrite(randomSize());
    else if (pick < 46)
        doWriteLines();
    else if (pick < 52)
        doSetLimits();
    else if (pick < 62)
        doReaderPause(true);
    else if (pick < 72)
        doReaderPause(false);
    else if (pick < 80)
        runLoop(m_random.bounded(1, 20));
    else if (pick < 86)
        doWriterEnd(m_random.bounded(3));
    else if (pick < 89)
        doReaderEnd(m_random.bounded(2) == 1);
    else if (pick < 92)
        doPeerKill();
    else if (pick < 96) {
        m_trace << QStringLiteral("deleteReaderOnNextData");
        m_deleteReaderOnData = true;
    } else {
        m_trace << QStringLiteral("deleteWriterOnPause");
        m_deleteWriterOnPause = true;
    }
}

qsizetype TransportModelRun::randomSize()
{
    const int kind = m_random.bounded(100);
    if (kind < 5)
        return 0;
    if (kind < 60)
        return m_random.bounded(1, 4097);
    if (kind < 97)
        return m_random.bounded(4097, 300'000);
    return m_random.bounded(300'000, 4 * 1024 * 1024 + 1);
}

QByteArray TransportModelRun::streamBytes(quint64 from, qsizetype size) const
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype done = 0; done < size;) {
        const qsizetype offset = qsizetype((from + quint64(done)) % StreamPeriod);
        const qsizetype piece = qMin(size - done, StreamPeriod);
        std::memcpy(bytes.data() + done, streamTable().constData() + offset, size_t(piece));
        done += piece;
    }
    return bytes;
}

void TransportModelRun::doWrite(qsizetype size)
{
    m_trace << QStringLiteral("write(%1)").arg(size);
    if (!m_writer)
        return;
    const bool takes = size > 0 && !m_w.closing && m_writer->isOpen();
    const quint64 droppedBefore = m_writer->droppedWrites();
    m_writer->write(streamBytes(m_accepted, size));
    if (!m_writer)
        return;
    if (takes)
        m_accepted += quint64(size);
    else if (size > 0)
        ++m_dropped;
    if (m_writer->droppedWrites() - droppedBefore != (takes || size == 0 ? 0u : 1u))
        fail(QStringLiteral("droppedWrites() counted %1 for one write").arg(m_writer->droppedWrites() - droppedBefore));
}

void TransportModelRun::doWriteLines()
{
    QList<QByteArray> lines;
    const int count = m_random.bounded(0, 6);
    qsizetype total = 0;
    for (int i = 0; i < count; ++i) {
        const qsizetype size = m_random.bounded(0, 200);
        lines << streamBytes(m_accepted + quint64(total), size);
        total += size;
    }
    m_trace << QStringLiteral("writeLines(%1 lines, %2 B)").arg(count).arg(total);
    if (!m_writer)
        return;
    const bool takes = total > 0 && !m_w.closing && m_writer->isOpen();
    m_writer->writeLines(lines);
    if (takes)
        m_accepted += quint64(total);
    else if (total > 0)
        ++m_dropped;
}

void TransportModelRun::doSetLimits()
{
    static const qsizetype choices[] = { -2, -1, -1, 0, 1, 100, 4096, 16384, 65536, 300'000 };
    const qsizetype high = choices[m_random.bounded(int(std::size(choices)))];
    const qsizetype low = choices[m_random.bounded(int(std::size(choices)))];
    m_trace << QStringLiteral("setWriteBufferLimits(%1, %2)").arg(high).arg(low);
    if (!m_writer)
        return;
    qsizetype wantHigh = high;
    qsizetype wantLow = low;
    if (high == -1 && low == -1) {
        wantHigh = WritePipeTransport::DefaultHighWater;
        wantLow = wantHigh / 4;
    } else if (high == -1) {
        wantHigh = 4 * low;
    } else if (low == -1) {
        wantLow = high / 4;
    }
    const bool valid = wantHigh >= wantLow && wantLow >= 0;
    const QPair<qsizetype, qsizetype> before = m_writer->writeBufferLimits();
    const bool wasPaused = m_writingPaused;
    if (m_writer->setWriteBufferLimits(high, low) != valid)
        return fail(QStringLiteral("setWriteBufferLimits accepted/refused against asyncio's rules"));
    if (!m_writer)
        return;
    const QPair<qsizetype, qsizetype> want = valid ? qMakePair(wantLow, wantHigh) : before;
    if (m_writer->writeBufferLimits() != want)
        fail(QStringLiteral("writeBufferLimits() is (%1, %2)")
                     .arg(m_writer->writeBufferLimits().first)
                     .arg(m_writer->writeBufferLimits().second));
    if (!wasPaused && m_writer->isOpen() && m_writer->writeBufferSize() > want.second && !m_writingPaused)
        fail(QStringLiteral("buffer above the new high mark but no writingPaused()"));
}

void TransportModelRun::doReaderPause(bool pause)
{
    m_trace << (pause ? QStringLiteral("pauseReading") : QStringLiteral("resumeReading"));
    if (!m_reader)
        return;
    // Pause and resume do nothing once the transport is closing (EOF seen, close() called).
    const bool transition = !m_reader->isClosing() && m_readerPaused != pause;
    if (transition)
        m_readerPaused = pause;
    pause ? m_reader->pauseReading() : m_reader->resumeReading();
    if (m_reader && m_reader->isPaused() != m_readerPaused)
        fail(QStringLiteral("isPaused() is %1").arg(m_reader->isPaused()));
}

void TransportModelRun::doWriterEnd(int how)
{
    static const char *const names[] = { "writeEof", "close", "abort" };
    m_trace << QString::fromLatin1(names[how]);
    if (!m_writer)
        return;
    if (m_writer->isOpen()) {
        m_w.closing = true;
        m_w.aborted = m_w.aborted || how == 2; // abort() after close() still drops the buffer
    }
    if (how == 2) {
        if (m_writer->isOpen())
            m_discarded += quint64(m_writer->writeBufferSize());
        m_writer->abort();
        m_writingPaused = false;
        if (m_writer->writeBufferSize() != 0 || m_writer->isWritingPaused())
            fail(QStringLiteral("abort() left a buffer or a pause"));
    } else {
        how == 0 ? m_writer->writeEof() : m_writer->close();
    }
    if (m_writer && !m_writer->isClosing())
        fail(QStringLiteral("isClosing() false after %1").arg(QString::fromLatin1(names[how])));
}

void TransportModelRun::doReaderEnd(bool abort)
{
    m_trace << (abort ? QStringLiteral("reader.abort") : QStringLiteral("reader.close"));
    if (!m_reader)
        return;
    if (m_reader->isOpen()) {
        m_r.closing = true;
        m_peerGone = true;
    }
    abort ? m_reader->abort() : m_reader->close();
    if (m_reader->isOpen() || m_reader->isReading())
        fail(QStringLiteral("the reader still reads after close()"));
}

void TransportModelRun::doPeerKill()
{
    m_trace << QStringLiteral("SIGKILL cat");
    if (!m_cat || m_catKilled)
        return;
    m_cat->sendSignal(SIGKILL);
    m_catKilled = true;
    m_peerGone = true;
}

void TransportModelRun::runLoop(int rounds)
{
    for (int i = 0; i < rounds && m_failure.isEmpty(); ++i)
        QCoreApplication::processEvents();
}

bool TransportModelRun::waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && m_failure.isEmpty()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        QCoreApplication::processEvents();
    }
    return true;
}

void TransportModelRun::checkState()
{
    if (m_writer) {
        if (m_writer->isWritingPaused() != (m_writingPaused && m_writer->isOpen()))
            return fail(QStringLiteral("isWritingPaused() is %1").arg(m_writer->isWritingPaused()));
        if (!m_writer->isOpen() && m_writer->writeBufferSize() != 0)
            return fail(QStringLiteral("a closed writer still buffers"));
        if (m_writer->isOpen()
            && m_writer->bytesWritten() + quint64(m_writer->writeBufferSize()) != m_accepted - m_discarded)
            return fail(QStringLiteral("written %1 + buffered %2 != accepted %3")
                                .arg(m_writer->bytesWritten())
                                .arg(m_writer->writeBufferSize())
                                .arg(m_accepted - m_discarded));
        if (m_writer->droppedWrites() != m_dropped)
            return fail(QStringLiteral("droppedWrites() %1, model %2").arg(m_writer->droppedWrites()).arg(m_dropped));
    }
    if (m_reader) {
        const bool reading = m_reader->isOpen() && !m_readerPaused && !m_r.closing;
        if (m_reader->isReading() != reading)
            return fail(QStringLiteral("isReading() is %1").arg(m_reader->isReading()));
        if (m_reader->bytesReceived() != m_received)
            return fail(QStringLiteral("bytesReceived() %1, delivered %2").arg(m_reader->bytesReceived()).arg(m_received));
    }
}

void TransportModelRun::onData(const QByteArray &chunk)
{
    if (!m_r.made || m_r.lost || m_eof || m_readerPaused || m_r.closing)
        return fail(QStringLiteral("dataReceived while paused, closed or after EOF"));
    if (chunk.isEmpty() || chunk.size() > ReadPipeTransport::MaxChunk)
        return fail(QStringLiteral("a chunk of %1 bytes").arg(chunk.size()));
    const qsizetype offset = qsizetype(m_received % StreamPeriod); // chunks are ≤ a period
    if (std::memcmp(chunk.constData(), streamTable().constData() + offset, size_t(chunk.size())) != 0)
        return fail(QStringLiteral("bytes %1..%2 differ from what was written").arg(m_received).arg(m_received + quint64(chunk.size())));
    m_received += quint64(chunk.size());
    m_stats->bytesDelivered += quint64(chunk.size());
    if (m_deleteReaderOnData) {
        m_deleteReaderOnData = false;
        m_r.gone = true;
        m_peerGone = true;
        ++m_stats->deletes;
        delete m_reader; // inside its own dataReceived: the contract allows it
    }
}

void TransportModelRun::onEof()
{
    if (!m_r.made || m_r.lost || m_eof || m_r.closing)
        return fail(QStringLiteral("eofReceived twice, after close() or after the loss"));
    m_eof = true;
    // The writer's fd may be closed before its queued connectionLost arrives.
    if (m_writerEndTotal < 0 && m_writer && !m_writer->isOpen())
        m_writerEndTotal = qint64(m_writer->bytesWritten());
    if (m_writerEndTotal < 0 && !m_catKilled)
        return fail(QStringLiteral("EOF while the writer is still open"));
    if (m_writerEndTotal >= 0 && m_received > quint64(m_writerEndTotal))
        return fail(QStringLiteral("more bytes received than written"));
    if (!m_throughCat && m_received != quint64(m_writerEndTotal))
        fail(QStringLiteral("EOF after %1 bytes, the writer gave the kernel %2").arg(m_received).arg(m_writerEndTotal));
}

void TransportModelRun::onWriterPaused()
{
    if (!m_w.made || m_w.lost || m_writingPaused)
        return fail(QStringLiteral("writingPaused twice or after the loss"));
    if (m_writer->writeBufferSize() <= m_writer->writeBufferLimits().second)
        return fail(QStringLiteral("writingPaused at %1 buffered, high %2")
                            .arg(m_writer->writeBufferSize())
                            .arg(m_writer->writeBufferLimits().second));
    m_writingPaused = true;
    if (m_deleteWriterOnPause) {
        m_deleteWriterOnPause = false;
        m_w.gone = true;
        m_writerEndTotal = qint64(m_writer->bytesWritten());
        ++m_stats->deletes;
        delete m_writer; // inside its own writingPaused: the contract allows it
    }
}

void TransportModelRun::onWriterResumed()
{
    if (!m_w.made || m_w.lost || !m_writingPaused)
        return fail(QStringLiteral("writingResumed without a pause or after the loss"));
    if (m_writer->writeBufferSize() > m_writer->writeBufferLimits().first)
        return fail(QStringLiteral("writingResumed at %1 buffered, low %2")
                            .arg(m_writer->writeBufferSize())
                            .arg(m_writer->writeBufferLimits().first));
    m_writingPaused = false;
}

void TransportModelRun::onWriterLost(int error)
{
    if (!m_w.made || m_w.lost++)
        return fail(QStringLiteral("writer: connectionLost twice or before connectionMade"));
    if (m_writer->fd() != -1 || !m_writer->isClosing() || m_writer->isWritingPaused())
        return fail(QStringLiteral("writer: connectionLost with its fd open or still paused"));
    m_writingPaused = false;
    m_writerEndTotal = qint64(m_writer->bytesWritten());
    if (error == EPIPE) {
        ++m_stats->peerLosses;
        if (!m_peerGone)
            fail(QStringLiteral("writer: EPIPE while the reader is there"));
        return;
    }
    if (error != 0)
        return fail(QStringLiteral("writer: connectionLost(%1)").arg(error));
    if (!m_w.closing)
        return fail(QStringLiteral("writer: connectionLost(0) without close(), writeEof() or abort()"));
    if (!m_w.aborted && m_writer->bytesWritten() != m_accepted - m_discarded)
        fail(QStringLiteral("writer: clean end after %1 of %2 bytes").arg(m_writer->bytesWritten()).arg(m_accepted));
}

void TransportModelRun::onReaderLost(int error)
{
    if (!m_r.made || m_r.lost++)
        return fail(QStringLiteral("reader: connectionLost twice or before connectionMade"));
    if (error != 0 || m_reader->fd() != -1)
        return fail(QStringLiteral("reader: connectionLost(%1), fd %2").arg(error).arg(m_reader->fd()));
    if (!m_eof && !m_r.closing)
        fail(QStringLiteral("reader: connectionLost without EOF or close()"));
}

void TransportModelRun::settle()
{
    m_trace << QStringLiteral("settle");
    m_deleteReaderOnData = false;
    m_deleteWriterOnPause = false;
    // A writer whose reader left must notice it by itself, idle or not (POLLERR on the fd).
    const bool writerMustNotice = m_throughCat ? m_catKilled : m_peerGone;
    if (writerMustNotice && writerAlive()
        && !waitFor([this] { return !writerAlive(); }, 10'000))
        return fail(QStringLiteral("the writer never noticed that its reader left"));
    if (writerAlive() && !m_w.closing) {
        m_w.closing = true;
        m_writer->writeEof();
    }
    if (readerAlive() && m_readerPaused) {
        m_readerPaused = false;
        m_reader->resumeReading();
    }
    if (!waitFor([this] { return !writerAlive() && !readerAlive(); }, 20'000)) {
        fail(QStringLiteral("no end after 20 s: writer %1 (%2 buffered), reader %3")
                     .arg(writerAlive() ? QStringLiteral("open") : QStringLiteral("ended"))
                     .arg(m_writer ? m_writer->writeBufferSize() : 0)
                     .arg(readerAlive() ? QStringLiteral("open") : QStringLiteral("ended")));
    }
    runLoop(3); // nothing may follow connectionLost
}

void TransportModelRun::checkFinal()
{
    if (!m_w.gone && m_w.lost != 1)
        return fail(QStringLiteral("writer: connectionLost %1 times").arg(m_w.lost));
    if (!m_r.gone && m_r.lost != 1)
        return fail(QStringLiteral("reader: connectionLost %1 times").arg(m_r.lost));
    if (!m_eof)
        return;
    const bool everything = !m_catKilled && !m_w.aborted && !m_w.gone && m_writer
            && m_writer->error() != EPIPE;
    if (everything && m_received + m_selfTestExtra != m_accepted)
        fail(QStringLiteral("the reader got %1 bytes, the writer took %2").arg(m_received).arg(m_accepted));
    else if (m_received + m_selfTestExtra > quint64(m_writerEndTotal))
        fail(QStringLiteral("the reader got %1 bytes, the kernel took %2").arg(m_received).arg(m_writerEndTotal));
}

void TransportModelRun::fail(const QString &what)
{
    if (m_failure.isEmpty())
        m_failure = what;
}

} // namespace PipeScope::Test
