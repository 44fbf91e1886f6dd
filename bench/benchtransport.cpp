// pipescope-bench-transport TOTAL_BYTES CHUNK_BYTES
//
// Throughput of PipeScope's real pipe transports, shaped like the peers in
// ../shared/bench-peers (qt_baseline/main.cpp): one anonymous pipe, one thread, one
// QCoreApplication. A ReadPipeTransport on the read end counts bytes until connectionLost;
// a WritePipeTransport on the write end is fed by an "application" that calls write(chunk)
// while the transport is not writingPaused, pumps again on writingResumed, and calls
// writeEof() after the last byte. Prints the peers' JSON line plus diagnostics:
//   write_syscalls  write()/writev() calls on the writer's fd (EAGAIN ones included)
//   reads           dataReceived emissions
//   read_syscalls   read() calls on the reader's fd (EAGAIN and EOF included)
//   minflt, faults_per_read   minor page faults during the timed part, and per read
//   peak_rss_kb     getrusage ru_maxrss at the end
//   dispatcher      the Qt event dispatcher class (glib unless QT_NO_GLIB=1)
//
// The syscalls are counted by interposing write/writev/read in this executable (it exports
// them, so libpipescope_core's PLT calls land here first): the transports stay exactly as
// shipped. Only the two pipe fds are counted; every call is passed on with syscall(2).
#include <pipescope/pipeopeners.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QAbstractEventDispatcher>
#include <QByteArray>
#include <QCoreApplication>

#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

namespace {

int g_countedWriteFd = -1;
int g_countedReadFd = -1;
unsigned long long g_writeSyscalls = 0;
unsigned long long g_readSyscalls = 0;

} // namespace

extern "C" ssize_t write(int fd, const void *data, size_t size)
{
    if (fd == g_countedWriteFd)
        ++g_writeSyscalls;
    return ssize_t(::syscall(SYS_write, fd, data, size));
}

extern "C" ssize_t writev(int fd, const struct iovec *iov, int count)
{
    if (fd == g_countedWriteFd)
        ++g_writeSyscalls;
    return ssize_t(::syscall(SYS_writev, fd, iov, count));
}

extern "C" ssize_t read(int fd, void *buffer, size_t size)
{
    if (fd == g_countedReadFd)
        ++g_readSyscalls;
    return ssize_t(::syscall(SYS_read, fd, buffer, size));
}

namespace {

using PipeScope::ReadPipeTransport;
using PipeScope::WritePipeTransport;

double nowSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

long minorFaults()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

long peakRssKb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

struct Bench
{
    unsigned long long total = 0;
    unsigned long long produced = 0;
    unsigned long long received = 0;
    unsigned long long reads = 0;
    qsizetype chunk = 0;
    QByteArray data; // the application's chunk, written again and again (shared, not copied)
    ReadPipeTransport reader;
    WritePipeTransport writer;
    bool inPump = false;
    bool eof = false;
    int readerError = -1;
    int writerError = -1;
    double t0 = 0;
    double t1 = 0;
    long faults0 = 0;
    long faults1 = 0;

    void connectSignals();
    void start();
    void pump();
    void finish(int error);
    bool ok() const;
    void print() const;
};

void Bench::connectSignals()
{
    QObject::connect(&writer, &WritePipeTransport::connectionMade, &writer, [this] { start(); });
    QObject::connect(&writer, &WritePipeTransport::writingResumed, &writer, [this] { pump(); });
    QObject::connect(&writer, &WritePipeTransport::connectionLost, &writer,
                     [this](int error) { writerError = error; });
    QObject::connect(&reader, &ReadPipeTransport::dataReceived, &reader,
                     [this](const QByteArray &bytes) {
                         received += quint64(bytes.size());
                         ++reads;
                     });
    QObject::connect(&reader, &ReadPipeTransport::eofReceived, &reader, [this] { eof = true; });
    QObject::connect(&reader, &ReadPipeTransport::connectionLost, &reader,
                     [this](int error) { finish(error); });
}

void Bench::start()
{
    faults0 = minorFaults();
    t0 = nowSeconds();
    pump();
}

// The application: write while the transport accepts more, EOF after the last byte.
void Bench::pump()
{
    if (inPump) // writingResumed can only come from the event loop, but stay safe
        return;
    inPump = true;
    while (!writer.isWritingPaused() && produced < total && !writer.isClosing()) {
        const unsigned long long left = total - produced;
        if (left >= (unsigned long long)chunk) {
            writer.write(data);
            produced += (unsigned long long)chunk;
        } else {
            writer.write(data.left(qsizetype(left)));
            produced = total;
        }
    }
    inPump = false;
    if (produced >= total && !writer.isClosing())
        writer.writeEof();
}

void Bench::finish(int error)
{
    t1 = nowSeconds();
    faults1 = minorFaults();
    readerError = error;
    QCoreApplication::quit();
}

bool Bench::ok() const
{
    return received == total && eof && readerError == 0 && writerError == 0
            && writer.droppedWrites() == 0 && writer.bytesWritten() == total;
}

void Bench::print() const
{
    const double seconds = t1 - t0;
    const unsigned long long writes = (total + (unsigned long long)chunk - 1) / (unsigned long long)chunk;
    const long faults = faults1 - faults0;
    const char *dispatcher = QAbstractEventDispatcher::instance()->metaObject()->className();
    std::printf("{\"impl\":\"pipescope\",\"chunk\":%lld,\"bytes\":%llu,\"seconds\":%.6f,"
                "\"MBps\":%.2f,\"writes_per_s\":%.0f,\"write_syscalls\":%llu,\"reads\":%llu,"
                "\"read_syscalls\":%llu,\"minflt\":%ld,\"faults_per_read\":%.4f,"
                "\"peak_rss_kb\":%ld,\"dispatcher\":\"%s\",\"ok\":%s}\n",
                (long long)chunk, received, seconds, double(received) / 1e6 / seconds,
                double(writes) / seconds, g_writeSyscalls, reads, g_readSyscalls, faults,
                reads ? double(faults) / double(reads) : 0.0, peakRssKb(), dispatcher,
                ok() ? "true" : "false");
    std::fflush(stdout);
}

bool parseArguments(const QStringList &args, Bench &bench)
{
    if (args.size() != 3)
        return false;
    bool totalOk = false;
    bool chunkOk = false;
    bench.total = args.at(1).toULongLong(&totalOk, 0);
    bench.chunk = qsizetype(args.at(2).toLongLong(&chunkOk, 0));
    return totalOk && chunkOk && bench.total > 0 && bench.chunk > 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Bench bench;
    if (!parseArguments(app.arguments(), bench)) {
        std::fprintf(stderr, "usage: pipescope-bench-transport TOTAL_BYTES CHUNK_BYTES\n");
        return 2;
    }
    bench.data = QByteArray(bench.chunk, 'x');
    PipeScope::Error error;
    if (!PipeScope::Openers::openAnonymousPipe(&bench.reader, &bench.writer, &error)) {
        std::fprintf(stderr, "pipescope-bench-transport: %s\n", qPrintable(error.message()));
        return 1;
    }
    g_countedWriteFd = bench.writer.fd();
    g_countedReadFd = bench.reader.fd();
    bench.connectSignals();
    app.exec();
    bench.print();
    if (!bench.ok())
        std::fprintf(stderr, "pipescope-bench-transport: received %llu of %llu bytes, eof %d, "
                             "reader error %d (%s), writer error %d (%s)\n",
                     bench.received, bench.total, int(bench.eof), bench.readerError,
                     qPrintable(bench.reader.errorString()), bench.writerError,
                     qPrintable(bench.writer.errorString()));
    return bench.ok() ? 0 : 1;
}
