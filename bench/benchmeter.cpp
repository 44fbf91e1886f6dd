// pipescope-bench-meter: what metering a pipeline costs it, how fast attach finds one, and how
// right the meter is. Prints JSON lines.
// Usage: pipescope-bench-meter [--mode observer|attach|accuracy|latency|all] [--size BYTES] [--rounds N]
//
// observer: `head -c SIZE /dev/zero | cat | cat > /dev/null` (4 GiB by default), this process
//   and the pipeline pinned to CPU 0 (every meter microsecond is then taken from the pipeline:
//   the worst case, and the only stable one on 2 vCPUs). Variants per round, in rotated order:
//   unobserved (sh -c PIPELINE), unobserved again (the A/A noise floor), PipelineMeter at
//   10 Hz and at 50 Hz. Medians over the rounds; ratio = unobserved median / variant median
//   (throughput). Meter CPU per tick from this process's rusage over the metered run, and
//   "steady": from the 10th tick to the last (start-up and the end's reaping left out).
// latency: `true | true` run until finished(), median of 21, at 10 and 50 Hz: how long the
//   meter keeps a pipeline that has ended counted as running.
// attach: a `bash -c 'sleep 60 | cat | tr a b > /dev/null'` pipeline; PipelineDiscovery::find
//   from the middle stage, median of 21, with the number of processes on the machine.
// accuracy: `yes | head -c 1G | gzip -9 | cat > /dev/null` (when gzip is named, head's
//   bytes_out) and `head -c 300M /dev/urandom | cat | pv -q -L 50m > /dev/null` (when pv is
//   named, the cat -> pv rate against 52428800 B/s).
#include <pipescope/pipelinediscovery.h>
#include <pipescope/pipelinemeter.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTextStream>

#include <algorithm>
#include <csignal>
#include <sched.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

namespace {

using namespace PipeScope;

void print(const QJsonObject &object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

double cpuSeconds()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

pid_t spawnShell(const QString &script)
{
    const QByteArray text = script.toLocal8Bit();
    char sh[] = "sh", dashC[] = "-c";
    char *argv[] = { sh, dashC, const_cast<char *>(text.constData()), nullptr };
    pid_t pid = 0;
    return posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ) == 0 ? pid : -1;
}

double unobserved(const QString &pipeline)
{
    QElapsedTimer clock;
    clock.start();
    const pid_t pid = spawnShell(pipeline);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return double(clock.nsecsElapsed()) / 1e9;
}

struct Metered
{
    double seconds = 0;
    double cpuPerTickUs = 0;
    double steadyCpuPerTickUs = 0;
    int ticks = 0;
};

Metered metered(const QString &pipeline, int intervalMs)
{
    PipelineMeter meter;
    meter.setInheritStdio(false);
    meter.setInterval(intervalMs);
    Metered result;
    bool done = false;
    constexpr int SteadyFrom = 10;
    double steadyCpu0 = 0, lastTickCpu = 0;
    QObject::connect(&meter, &PipelineMeter::sampled, [&] {
        lastTickCpu = cpuSeconds();
        if (++result.ticks == SteadyFrom)
            steadyCpu0 = lastTickCpu;
    });
    QObject::connect(&meter, &PipelineMeter::finished, [&] { done = true; });
    const double cpu0 = cpuSeconds();
    QElapsedTimer clock;
    clock.start();
    meter.run(pipeline);
    while (!done)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    result.cpuPerTickUs = result.ticks ? (cpuSeconds() - cpu0) * 1e6 / result.ticks : 0;
    if (result.ticks > SteadyFrom)
        result.steadyCpuPerTickUs = (lastTickCpu - steadyCpu0) * 1e6 / (result.ticks - SteadyFrom);
    return result;
}

void observer(qint64 size, int rounds)
{
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    ::sched_setaffinity(0, sizeof one, &one); // children inherit it
    const QString pipeline = QStringLiteral("head -c %1 /dev/zero | cat | cat > /dev/null").arg(size);
    QList<double> a, aa, hz10, hz50, tick10, tick50, steady10, steady50;
    for (int round = 0; round < rounds; ++round) {
        for (int v = 0; v < 4; ++v) {
            switch ((v + round) % 4) {
            case 0: a << unobserved(pipeline); break;
            case 1: aa << unobserved(pipeline); break;
            case 2: {
                const Metered m = metered(pipeline, 100);
                hz10 << m.seconds;
                tick10 << m.cpuPerTickUs;
                steady10 << m.steadyCpuPerTickUs;
                break;
            }
            default: {
                const Metered m = metered(pipeline, 20);
                hz50 << m.seconds;
                tick50 << m.cpuPerTickUs;
                steady50 << m.steadyCpuPerTickUs;
                break;
            }
            }
        }
    }
    const double base = median(a);
    print({ { QStringLiteral("bench"), QStringLiteral("observer") }, { QStringLiteral("bytes"), double(size) },
            { QStringLiteral("rounds"), rounds }, { QStringLiteral("pinned_cpu"), 0 },
            { QStringLiteral("unobserved_s"), base }, { QStringLiteral("unobserved_again_s"), median(aa) },
            { QStringLiteral("meter_10hz_s"), median(hz10) }, { QStringLiteral("meter_50hz_s"), median(hz50) },
            { QStringLiteral("aa_ratio"), base / median(aa) }, { QStringLiteral("ratio_10hz"), base / median(hz10) },
            { QStringLiteral("ratio_50hz"), base / median(hz50) },
            { QStringLiteral("meter_cpu_us_per_tick_10hz"), median(tick10) },
            { QStringLiteral("meter_cpu_us_per_tick_50hz"), median(tick50) },
            { QStringLiteral("meter_steady_cpu_us_per_tick_10hz"), median(steady10) },
            { QStringLiteral("meter_steady_cpu_us_per_tick_50hz"), median(steady50) },
            { QStringLiteral("unobserved_GBps"), double(size) / base / 1e9 } });
}

QList<qint64> childrenOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/task/%1/children").arg(pid));
    QList<qint64> children;
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray &field : file.readAll().simplified().split(' '))
            children << field.toLongLong();
    }
    return children;
}

void attach()
{
    char bash[] = "bash", dashC[] = "-c", script[] = "sleep 60 | cat | tr a b > /dev/null";
    char *argv[] = { bash, dashC, script, nullptr };
    pid_t shell = 0;
    posix_spawnp(&shell, "bash", nullptr, nullptr, argv, environ);
    QList<qint64> stages;
    for (int i = 0; i < 200 && (stages = childrenOf(shell)).size() < 3; ++i)
        QTest::qWait(10);
    QTest::qWait(100);
    QList<double> times;
    int found = 0;
    for (int i = 0; i < 21; ++i) {
        PipelineDiscovery::Failure failure;
        PipeScope::Error error;
        QElapsedTimer clock;
        clock.start();
        const auto pipeline = PipelineDiscovery::find(stages.value(1), &failure, &error);
        times << double(clock.nsecsElapsed()) / 1e6;
        found = pipeline ? int(pipeline->stages.size()) : 0;
    }
    const int processes = int(QDir(QStringLiteral("/proc")).entryList({ QStringLiteral("[0-9]*") }, QDir::Dirs).size());
    for (qint64 pid : stages)
        ::kill(pid_t(pid), SIGKILL);
    int status = 0;
    ::waitpid(shell, &status, 0);
    print({ { QStringLiteral("bench"), QStringLiteral("attach") }, { QStringLiteral("processes"), processes },
            { QStringLiteral("stages_found"), found }, { QStringLiteral("discovery_ms_median"), median(times) } });
}

/// Runs \a pipeline, returns when stage \a stage was first named with \a cause (or -1), and the
/// end's summary and samples.
struct Verdicts
{
    double namedAt = -1;
    QList<MeterSnapshot> samples;
    MeterSummary summary;
};

Verdicts verdicts(const QString &pipeline, int stage, BottleneckCause cause, int stopAfterMs)
{
    PipelineMeter meter;
    meter.setInheritStdio(false);
    Verdicts result;
    bool done = false;
    QObject::connect(&meter, &PipelineMeter::sampled, [&](const MeterSnapshot &s) {
        result.samples << s;
        if (result.namedAt < 0 && s.bottleneck.stage == stage && s.bottleneck.cause == cause)
            result.namedAt = s.t;
    });
    QObject::connect(&meter, &PipelineMeter::finished, [&](const MeterSummary &s) {
        result.summary = s;
        done = true;
    });
    QElapsedTimer clock;
    clock.start();
    meter.run(pipeline);
    while (!done) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        if (stopAfterMs > 0 && clock.elapsed() > stopAfterMs)
            meter.stop();
    }
    return result;
}

void accuracy()
{
    const Verdicts gzip = verdicts(QStringLiteral("yes | head -c 1G | gzip -9 | cat > /dev/null"), 2, BottleneckCause::Cpu, 0);
    print({ { QStringLiteral("bench"), QStringLiteral("accuracy-gzip") }, { QStringLiteral("named_at_s"), gzip.namedAt },
            { QStringLiteral("summary_stage"), gzip.summary.bottleneck.stage },
            { QStringLiteral("summary_cause"), bottleneckCauseName(gzip.summary.bottleneck.cause) },
            { QStringLiteral("head_bytes_out"), double(gzip.summary.stages.value(1).bytesOut) },
            { QStringLiteral("head_bytes_out_exact"), gzip.summary.stages.value(1).bytesOut == 1073741824ULL },
            { QStringLiteral("duration_s"), gzip.summary.duration } });
    const Verdicts pv = verdicts(QStringLiteral("head -c 300M /dev/urandom | cat | pv -q -L 50m > /dev/null"), 2,
                                 BottleneckCause::Throttled, 0);
    QList<double> rates;
    for (const MeterSnapshot &s : pv.samples) {
        if (s.pipes.size() == 2 && s.pipes[1].rate >= 0 && s.stages[2].activity != StageActivity::Exited)
            rates << s.pipes[1].rate;
    }
    const double rate = median(rates);
    print({ { QStringLiteral("bench"), QStringLiteral("accuracy-pv") }, { QStringLiteral("named_at_s"), pv.namedAt },
            { QStringLiteral("summary_stage"), pv.summary.bottleneck.stage },
            { QStringLiteral("summary_cause"), bottleneckCauseName(pv.summary.bottleneck.cause) },
            { QStringLiteral("cat_pv_rate_median"), rate }, { QStringLiteral("expected_rate"), 52428800.0 },
            { QStringLiteral("rate_error_pct"), (rate / 52428800.0 - 1) * 100 },
            { QStringLiteral("rate_source"), rateSourceName(pv.summary.pipes.value(1).rateSource) },
            { QStringLiteral("pv_flags_splice_blind"), bool(pv.summary.stages.value(2).flags & StageFlag::SpliceBlind) } });
}

void endLatency()
{
    const QString pipeline = QStringLiteral("true | true");
    QJsonObject result { { QStringLiteral("bench"), QStringLiteral("end_latency") },
                         { QStringLiteral("pipeline"), pipeline } };
    for (const int intervalMs : { 100, 20 }) {
        QList<double> seconds;
        for (int i = 0; i < 21; ++i)
            seconds << metered(pipeline, intervalMs).seconds;
        result.insert(QStringLiteral("run_to_finished_ms_%1hz").arg(1000 / intervalMs), median(seconds) * 1e3);
    }
    print(result);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("observer, attach, accuracy, latency or all"),
                                  QStringLiteral("MODE"), QStringLiteral("all"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("observer bytes"), QStringLiteral("BYTES"),
                                  QStringLiteral("4294967296"));
    const QCommandLineOption rounds(QStringLiteral("rounds"), QStringLiteral("observer rounds"), QStringLiteral("N"),
                                    QStringLiteral("5"));
    parser.addOptions({ mode, size, rounds });
    parser.addHelpOption();
    parser.process(app);
    const QString which = parser.value(mode);
    if (which == u"attach" || which == u"all")
        attach();
    if (which == u"accuracy" || which == u"all")
        accuracy();
    if (which == u"latency" || which == u"all")
        endLatency();
    if (which == u"observer" || which == u"all")
        observer(parser.value(size).toLongLong(), parser.value(rounds).toInt());
    return 0;
}
