// pipescope-bench-soak [--bytes 10737418240] [--seed N] [--variant pipe|child_cat|both]
//
// Issue 11's soak, a benchmark rather than a timed test: it runs for minutes. Seeded random
// chunks (1 B .. 4 MiB, log-uniform-ish) of seeded pseudo-random bytes go through a
// WritePipeTransport into a ReadPipeTransport, either over one anonymous pipe ("pipe") or
// through a child `cat` ("child_cat": we write its stdin and read its stdout). Meanwhile the
// reader is paused and resumed at random and the writer's water marks change at random. The
// application obeys flow control: it writes only while the writer is not paused (as told by
// writingPaused/writingResumed), so it never queues more than the high mark plus one chunk.
//
// Checked per variant: the SHA-256 of the bytes sent equals that of the bytes received (so
// every byte arrived, once, in order), the counts agree, EOF arrived, both transports ended
// with error 0, nothing was dropped, no data arrived while the reader was paused, the
// writer's queue stayed within high + one chunk after every write, the pause signals
// alternated, and cat exited with status 0. One JSON line per variant; exit status 1 if
// any check failed.
//
// The content and chunk sizes depend only on the seed (printed, random unless given), so a
// failing stream can be regenerated; the pause and limit schedule also hangs on the event
// loop's timing and is not reproducible exactly.
#include <pipescope/childprocess.h>
#include <pipescope/pipeopeners.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include "splitmix64.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <time.h>
#include <utility>

namespace {

using PipeScope::ChildProcess;
using PipeScope::ReadPipeTransport;
using PipeScope::WritePipeTransport;
using PipeScope::Bench::logUniform;
using PipeScope::Bench::randomChunk;
using PipeScope::Bench::SplitMix64;

constexpr int MaxChunkLog2 = 22; // chunks up to 4 MiB
constexpr qsizetype MaxChunkBytes = qsizetype(1) << MaxChunkLog2;
constexpr int MaxHighLog2 = 23; // high marks up to 16 MiB: a few of the largest chunks
// Per dataReceived (mostly ≤ 64 KiB, the default pipe size): about 650 reader pauses and
// 1,300 limit changes in 10 GiB, enough to hit every state without dominating the time.
constexpr quint64 PauseOneIn = 256;
constexpr quint64 LimitChangeOneIn = 128;
constexpr quint64 MaxPauseMs = 3;
// A stream that makes no progress for this long is a hang (a lost wake-up, a resume that never
// came): reported as a failure instead of blocking the soak forever.
constexpr int StallMs = 30000;

double nowSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double peakRssMib()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux: KiB (getrusage(2))
}

class Soak
{
public:
    Soak(const QString &variant, quint64 bytes, quint64 seed);
    bool open(PipeScope::Error *error);
    void run();
    bool ok() const;
    void print() const;
    void explain() const;

private:
    bool startCat(PipeScope::Error *error);
    void connectWriter();
    void connectReader();
    void pump();
    void writeChunk();
    void onWriterPaused(bool paused);
    void onData(const QByteArray &bytes);
    void pauseReader();
    void changeLimits();
    void maybeFinish();
    void checkProgress();
    void hash(QCryptographicHash &hash, const QByteArray &bytes);

    QString m_variant;
    quint64 m_bytes;
    quint64 m_seed;
    SplitMix64 m_content; // chunk sizes and bytes: the stream, a function of the seed alone
    SplitMix64 m_control; // pauses and limits, kept apart so they cannot shift the stream
    QCryptographicHash m_sentHash { QCryptographicHash::Sha256 };
    QCryptographicHash m_receivedHash { QCryptographicHash::Sha256 };
    WritePipeTransport m_writer;
    ReadPipeTransport m_reader;
    ChildProcess m_cat;
    QEventLoop m_loop;
    QTimer m_watchdog;
    quint64 m_receivedAtLastCheck = 0;
    bool m_stalled = false;
    quint64 m_produced = 0;
    quint64 m_received = 0;
    quint64 m_chunks = 0;
    quint64 m_pauses = 0;
    quint64 m_writerPauses = 0;
    quint64 m_limitChanges = 0;
    double m_hashSeconds = 0; // both SHA-256 passes: most of the CPU time, see README.md
    quint64 m_failures = 0; // flow-control or signal-order violations; each is a bug
    qsizetype m_maxQueued = 0;
    bool m_writerPaused = false; // as the signals said, not as the transport reports
    bool m_readerPaused = false;
    bool m_eof = false;
    bool m_readerLost = false;
    bool m_writerLost = false;
    bool m_catDone = true;
    int m_readerError = -1;
    int m_writerError = -1;
    double m_t0 = 0;
    double m_t1 = 0;
};

Soak::Soak(const QString &variant, quint64 bytes, quint64 seed)
    : m_variant(variant),
      m_bytes(bytes),
      m_seed(seed),
      m_content(seed),
      m_control(seed ^ 0x5deece66dULL)
{
}

bool Soak::open(PipeScope::Error *error)
{
    connectWriter();
    connectReader();
    if (m_variant == QLatin1String("pipe"))
        return PipeScope::Openers::openAnonymousPipe(&m_reader, &m_writer, error);
    return startCat(error);
}

bool Soak::startCat(PipeScope::Error *error)
{
    QObject::connect(&m_cat, &ChildProcess::finished, &m_loop, [this] {
        m_catDone = true;
        maybeFinish();
    });
    m_catDone = false;
    if (!m_cat.start(QStringLiteral("cat"))) {
        *error = m_cat.lastError();
        return false;
    }
    const int in = m_cat.takeStdinFd();
    const int out = m_cat.takeStdoutFd();
    if (m_writer.open(in) && m_reader.open(out))
        return true;
    *error = m_writer.isOpen() ? m_reader.lastError() : m_writer.lastError();
    return false;
}

void Soak::connectWriter()
{
    QObject::connect(&m_writer, &WritePipeTransport::connectionMade, &m_loop, [this] {
        m_t0 = nowSeconds();
        pump();
    });
    QObject::connect(&m_writer, &WritePipeTransport::writingPaused, &m_loop,
                     [this] { onWriterPaused(true); });
    QObject::connect(&m_writer, &WritePipeTransport::writingResumed, &m_loop, [this] {
        onWriterPaused(false);
        pump();
    });
    QObject::connect(&m_writer, &WritePipeTransport::connectionLost, &m_loop, [this](int error) {
        m_writerError = error;
        m_writerLost = true;
        maybeFinish();
    });
}

void Soak::connectReader()
{
    QObject::connect(&m_reader, &ReadPipeTransport::dataReceived, &m_loop,
                     [this](const QByteArray &bytes) { onData(bytes); });
    QObject::connect(&m_reader, &ReadPipeTransport::eofReceived, &m_loop, [this] { m_eof = true; });
    QObject::connect(&m_reader, &ReadPipeTransport::connectionLost, &m_loop, [this](int error) {
        m_t1 = nowSeconds();
        m_readerError = error;
        m_readerLost = true;
        maybeFinish();
    });
}

void Soak::run()
{
    QObject::connect(&m_watchdog, &QTimer::timeout, &m_loop, [this] { checkProgress(); });
    m_watchdog.start(StallMs);
    m_loop.exec();
}

void Soak::checkProgress()
{
    if (m_received > m_receivedAtLastCheck) {
        m_receivedAtLastCheck = m_received;
        return;
    }
    m_stalled = true;
    m_t1 = nowSeconds();
    m_loop.quit();
}

// The application's side of flow control. No re-entry guard is needed: writingResumed only
// comes from the write notifier, never from inside write() or setWriteBufferLimits().
void Soak::pump()
{
    while (!m_writerPaused && m_produced < m_bytes && !m_writer.isClosing())
        writeChunk();
    if (m_produced >= m_bytes && !m_writer.isClosing())
        m_writer.writeEof();
}

void Soak::writeChunk()
{
    if (m_writer.isWritingPaused()) // paused without telling us: we would overrun the mark
        ++m_failures;
    // The top octave is capped, so 4 MiB itself is common: the transport's largest case.
    const quint64 size = std::min({ logUniform(m_content, MaxChunkLog2), quint64(MaxChunkBytes),
                                   m_bytes - m_produced });
    const QByteArray chunk = randomChunk(m_content, qsizetype(size));
    hash(m_sentHash, chunk);
    m_writer.write(chunk);
    m_produced += quint64(chunk.size());
    ++m_chunks;
    // We wrote with at most `high` queued (else writingPaused had come), so this bounds the
    // queue; a lowered mark pauses the writer at once and the bound holds for the next write.
    const qsizetype queued = m_writer.writeBufferSize();
    m_maxQueued = qMax(m_maxQueued, queued);
    if (queued > m_writer.writeBufferLimits().second + chunk.size())
        ++m_failures;
}

// Timed so the JSON line can say how much of the run was hashing rather than moving bytes.
void Soak::hash(QCryptographicHash &hash, const QByteArray &bytes)
{
    const double t0 = nowSeconds();
    hash.addData(bytes);
    m_hashSeconds += nowSeconds() - t0;
}

void Soak::onWriterPaused(bool paused)
{
    if (paused == m_writerPaused) // two pauses or two resumes in a row
        ++m_failures;
    m_writerPaused = paused;
    m_writerPauses += paused ? 1 : 0;
}

void Soak::onData(const QByteArray &bytes)
{
    if (m_readerPaused) // pauseReading() must stop delivery, even within one wake-up
        ++m_failures;
    m_received += quint64(bytes.size());
    hash(m_receivedHash, bytes);
    if (m_control.oneIn(PauseOneIn))
        pauseReader();
    if (m_control.oneIn(LimitChangeOneIn))
        changeLimits();
}

// 0..3 ms is enough for the writer to fill the pipe and queue up to its high mark (it does so
// within one pump); a 0 ms pause resumes on the next loop iteration, another path.
void Soak::pauseReader()
{
    m_reader.pauseReading();
    m_readerPaused = true;
    ++m_pauses;
    QTimer::singleShot(int(m_control.below(MaxPauseMs + 1)), Qt::PreciseTimer, &m_reader, [this] {
        m_readerPaused = false;
        m_reader.resumeReading();
    });
}

// high from 0 (pause at any queued byte) to 16 MiB, log-uniform like the chunks; low anywhere
// in [0, high]; now and then asyncio's defaults (-1, -1). Lowering while writing pauses the
// writer at once; raising while paused must still resume it once drained to the new low.
void Soak::changeLimits()
{
    qsizetype high = -1;
    qsizetype low = -1;
    if (!m_control.oneIn(16)) {
        high = qsizetype(logUniform(m_control, MaxHighLog2)) - 1;
        low = qsizetype(m_control.below(quint64(high) + 1));
    }
    if (!m_writer.setWriteBufferLimits(high, low))
        ++m_failures;
    ++m_limitChanges;
}

void Soak::maybeFinish()
{
    if (m_readerLost && m_writerLost && m_catDone)
        m_loop.quit();
}

bool Soak::ok() const
{
    const bool catOk = m_variant != QLatin1String("child_cat")
            || (m_cat.exitCode() == 0 && m_cat.exitSignal() == 0);
    return m_sentHash.result() == m_receivedHash.result() && m_received == m_bytes
            && m_produced == m_bytes && m_writer.bytesWritten() == m_bytes && m_eof
            && m_readerError == 0 && m_writerError == 0 && m_writer.droppedWrites() == 0
            && m_failures == 0 && !m_stalled && catOk;
}

void Soak::print() const
{
    const double seconds = m_t1 - m_t0;
    const bool shaEqual = m_sentHash.result() == m_receivedHash.result();
    std::printf("{\"bench\":\"soak\",\"variant\":\"%s\",\"bytes\":%llu,\"seed\":%llu,"
                "\"seconds\":%.3f,\"MBps\":%.1f,\"hash_seconds\":%.3f,\"sha256_equal\":%s,"
                "\"peak_rss_mib\":%.1f,\"pauses\":%llu,\"limit_changes\":%llu,"
                "\"writer_pauses\":%llu,\"chunks\":%llu,\"max_queued\":%lld,\"failures\":%llu,"
                "\"ok\":%s}\n",
                qPrintable(m_variant), m_received, m_seed, seconds,
                double(m_received) / 1e6 / seconds, m_hashSeconds, shaEqual ? "true" : "false",
                peakRssMib(), m_pauses, m_limitChanges, m_writerPauses, m_chunks,
                (long long)m_maxQueued, m_failures, ok() ? "true" : "false");
    std::fflush(stdout);
}

void Soak::explain() const
{
    const QString cat = m_variant == QLatin1String("child_cat") ? m_cat.statusText()
                                                                 : QStringLiteral("unused");
    std::fprintf(stderr,
                 "pipescope-bench-soak %s: sent %llu, received %llu of %llu bytes, eof %d, "
                 "reader error %d (%s), writer error %d (%s), dropped %llu, failures %llu, "
                 "stalled %d, cat %s\n  sent     %s\n  received %s\n",
                 qPrintable(m_variant), m_produced, m_received, m_bytes, int(m_eof), m_readerError,
                 qPrintable(m_reader.errorString()), m_writerError,
                 qPrintable(m_writer.errorString()), m_writer.droppedWrites(), m_failures,
                 int(m_stalled), qPrintable(cat), m_sentHash.result().toHex().constData(),
                 m_receivedHash.result().toHex().constData());
}

// Its own object and event loop per variant: a fresh pipe, fresh transports and fresh hashes.
bool runVariant(const QString &variant, quint64 bytes, quint64 seed)
{
    Soak soak(variant, bytes, seed);
    PipeScope::Error error;
    if (!soak.open(&error)) {
        std::fprintf(stderr, "pipescope-bench-soak %s: %s\n", qPrintable(variant),
                     qPrintable(error.message()));
        return false;
    }
    soak.run();
    soak.print();
    if (!soak.ok())
        soak.explain();
    return soak.ok();
}

struct Options
{
    quint64 bytes = 10737418240ULL;
    quint64 seed = 0;
    QStringList variants;
};

bool parseOptions(const QCoreApplication &app, Options &options)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("bytes"), QStringLiteral("Bytes per variant."),
                       QStringLiteral("N"), QStringLiteral("10737418240") });
    parser.addOption({ QStringLiteral("seed"), QStringLiteral("Seed (default: random, printed)."),
                       QStringLiteral("N") });
    parser.addOption({ QStringLiteral("variant"), QStringLiteral("pipe, child_cat or both."),
                       QStringLiteral("V"), QStringLiteral("both") });
    parser.process(app);
    bool bytesOk = false;
    bool seedOk = true;
    options.bytes = parser.value(QStringLiteral("bytes")).toULongLong(&bytesOk, 0);
    options.seed = parser.isSet(QStringLiteral("seed"))
            ? parser.value(QStringLiteral("seed")).toULongLong(&seedOk, 0)
            : QRandomGenerator::system()->generate(); // 32 bits: exact in any JSON reader
    const QString variant = parser.value(QStringLiteral("variant"));
    if (variant == QLatin1String("both"))
        options.variants = { QStringLiteral("pipe"), QStringLiteral("child_cat") };
    else if (variant == QLatin1String("pipe") || variant == QLatin1String("child_cat"))
        options.variants = { variant };
    return bytesOk && seedOk && options.bytes > 0 && !options.variants.isEmpty();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Options options;
    if (!parseOptions(app, options)) {
        std::fprintf(stderr, "usage: pipescope-bench-soak [--bytes N] [--seed N] "
                             "[--variant pipe|child_cat|both]\n");
        return 2;
    }
    bool ok = true;
    for (const QString &variant : std::as_const(options.variants))
        ok = runVariant(variant, options.bytes, options.seed) && ok;
    return ok ? 0 : 1;
}
