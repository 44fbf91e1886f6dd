// pipescope-bench-gui: the Pipe Lab window's CPU share with many live pipes.
//
// Opens the real MainWindow (offscreen unless QT_QPA_PLATFORM says otherwise), adds --pipes
// anonymous lab pipes whose generators write --rate bytes/s each, refreshes the window at
// --refresh-hz, and measures this process's CPU time (getrusage user + sys) over --seconds of
// wall time. Everything runs in this one process: generators, transports, readers and GUI.
// Also reports how late a 10 ms timer fires (the window's responsiveness).
// Prints one JSON line; the design target is cpu_share < 0.20 for 200 pipes at 10 Hz.
#include "mainwindow.h"

#include <pipescope/lab.h>
#include <pipescope/labgenerator.h>
#include <pipescope/labpipe.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <sys/resource.h>
#include <vector>

namespace {

double cpuSeconds()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval &tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Options
{
    int pipes = 200;
    int seconds = 10;
    int refreshHz = 10;
    qint64 rate = PipeScope::LabGenerator::DefaultRate;
    int chunk = PipeScope::LabGenerator::DefaultChunk;
};

Options parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("CPU share of the Pipe Lab window with many live pipes."));
    parser.addHelpOption();
    const QCommandLineOption pipes(QStringLiteral("pipes"), QStringLiteral("Lab pipes (200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Measured wall time (10)."), QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption refresh(QStringLiteral("refresh-hz"), QStringLiteral("Window refresh rate (10)."), QStringLiteral("HZ"), QStringLiteral("10"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Bytes/s per generator (16384; 0 = unlimited)."), QStringLiteral("B"), QStringLiteral("16384"));
    const QCommandLineOption chunk(QStringLiteral("chunk"), QStringLiteral("Bytes per write (512)."), QStringLiteral("B"), QStringLiteral("512"));
    parser.addOptions({ pipes, seconds, refresh, rate, chunk });
    parser.process(arguments);
    Options o;
    o.pipes = std::max(1, parser.value(pipes).toInt());
    o.seconds = std::max(1, parser.value(seconds).toInt());
    o.refreshHz = std::clamp(parser.value(refresh).toInt(), 1, 100);
    o.rate = std::max<qint64>(0, parser.value(rate).toLongLong());
    o.chunk = std::max(1, parser.value(chunk).toInt());
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const Options options = parse(app.arguments());

    PipeScope::Ui::MainWindow window;
    window.setRefreshInterval(1000 / options.refreshHz);
    window.show();
    for (int i = 0; i < options.pipes; ++i) {
        PipeScope::LabPipe *pipe = window.lab()->addAnonymousPipe();
        if (!pipe) {
            QTextStream(stderr) << "pipescope-bench-gui: could not create pipe " << i + 1 << '\n';
            return 1;
        }
        pipe->generator()->setRate(options.rate);
        pipe->generator()->setChunkSize(options.chunk);
        pipe->generator()->start();
    }

    // Responsiveness: how late a 10 ms timer fires while everything runs.
    std::vector<double> lateness;
    QElapsedTimer tickClock;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (tickClock.isValid())
            lateness.push_back(std::max(0.0, double(tickClock.nsecsElapsed()) / 1e6 - 10.0));
        tickClock.restart();
    });

    quint64 readBefore = 0;
    double cpuBefore = 0;
    QElapsedTimer wall;
    auto bytesRead = [&] {
        quint64 total = 0;
        for (const PipeScope::LabPipe *pipe : window.lab()->pipes())
            total += pipe->bytesRead();
        return total;
    };
    // One second of warm-up (pipes connect, first layout), then the measured run.
    QTimer::singleShot(1000, [&] {
        readBefore = bytesRead();
        cpuBefore = cpuSeconds();
        wall.start();
        probe.start();
        QTimer::singleShot(options.seconds * 1000, [&] { app.quit(); });
    });
    app.exec();
    const double cpu = cpuSeconds() - cpuBefore;
    const double elapsed = double(wall.nsecsElapsed()) / 1e9;
    std::sort(lateness.begin(), lateness.end());
    const double p99 = lateness.empty() ? 0 : lateness[size_t(double(lateness.size() - 1) * 0.99)];
    const double worst = lateness.empty() ? 0 : lateness.back();

    const QJsonObject result{
        { QStringLiteral("bench"), QStringLiteral("gui") },
        { QStringLiteral("pipes"), options.pipes },
        { QStringLiteral("refresh_hz"), options.refreshHz },
        { QStringLiteral("generator_rate"), options.rate },
        { QStringLiteral("chunk"), options.chunk },
        { QStringLiteral("seconds"), elapsed },
        { QStringLiteral("cpu_seconds"), cpu },
        { QStringLiteral("cpu_share"), cpu / elapsed },
        { QStringLiteral("target_cpu_share"), 0.20 },
        { QStringLiteral("bytes_read_per_s"), double(bytesRead() - readBefore) / elapsed },
        { QStringLiteral("timer_late_p99_ms"), p99 },
        { QStringLiteral("timer_late_max_ms"), worst },
        { QStringLiteral("platform"), QGuiApplication::platformName() },
    };
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}
