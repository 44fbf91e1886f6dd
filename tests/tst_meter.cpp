// PipelineMeter on real pipelines it launches: totals, rates, bottleneck verdicts, exits.
#include "testsupport.h"

#include <pipescope/meterjson.h>
#include <pipescope/pipelinemeter.h>
#include <pipescope/pipelinesplitter.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <functional>

using namespace PipeScope;

namespace {

struct MeterRun
{
    QList<MeterSnapshot> samples;
    MeterSummary summary;
    bool finished = false;
};

/// Runs \a pipeline (stdin and stdout /dev/null unless redirected in the text) for up to
/// \a stopAfterMs, calling \a onSample on every tick; stop() at the deadline.
MeterRun meter(const QString &pipeline, int stopAfterMs,
               const std::function<void(PipelineMeter &, const MeterSnapshot &)> &onSample = {}, int intervalMs = 100)
{
    MeterRun run;
    PipelineMeter meter;
    meter.setInheritStdio(false);
    meter.setInterval(intervalMs);
    QObject::connect(&meter, &PipelineMeter::sampled, [&](const MeterSnapshot &s) {
        run.samples << s;
        if (onSample)
            onSample(meter, s);
    });
    QObject::connect(&meter, &PipelineMeter::finished, [&](const MeterSummary &s) {
        run.summary = s;
        run.finished = true;
    });
    if (!meter.run(pipeline)) {
        qWarning() << meter.errorString();
        return run;
    }
    QElapsedTimer clock;
    clock.start();
    bool stopped = false;
    while (!run.finished && clock.elapsed() < stopAfterMs + 15000) {
        QTest::qWait(20);
        if (!stopped && clock.elapsed() >= stopAfterMs) {
            stopped = true;
            meter.stop();
        }
    }
    return run;
}

/// The last sample taken at or before \a t seconds (before stop() ended the stages).
MeterSnapshot sampleAt(const MeterRun &run, double t)
{
    MeterSnapshot found;
    for (const MeterSnapshot &s : run.samples) {
        if (s.t <= t)
            found = s;
    }
    return found;
}

Bottleneck verdictAt(const MeterRun &run, double t)
{
    return sampleAt(run, t).bottleneck;
}

/// The samples of \a run up to \a until, one line each (state, wchan, CPU and run-queue shares
/// per stage, fill per pipe, the verdict): what the bottleneck finder saw, for a failure message.
QByteArray describe(const MeterRun &run, double until)
{
    QString out;
    for (const MeterSnapshot &s : run.samples) {
        if (s.t > until)
            break;
        out += QStringLiteral("\n%1 |").arg(s.t, 0, 'f', 2);
        for (int k = 0; k < s.stages.size(); ++k) {
            const StageSample &stage = s.stages[k];
            out += QStringLiteral(" %1 %2 cpu %3 rq %4 out %5").arg(QChar::fromLatin1(stage.state), stage.wchan)
                           .arg(stage.cpu, 0, 'f', 2).arg(stage.runQueueWait, 0, 'f', 2).arg(stage.bytesOut);
            if (k < s.pipes.size())
                out += QStringLiteral(" [%1, %2 B/s] |").arg(s.pipes[k].queued).arg(s.pipes[k].rate, 0, 'f', 0);
        }
        out += QStringLiteral(" => %1 %2").arg(s.bottleneck.stage).arg(bottleneckCauseName(s.bottleneck.cause));
    }
    return out.toUtf8();
}

/// QVERIFY with the samples up to \a until printed first when \a condition fails: QTest cuts a
/// failure message at about a kilobyte, and the samples are what explains a wrong verdict.
#define VERIFY_RUN(condition, run, until) \
    do { \
        if (!(condition)) \
            qWarning("samples up to %.1f s:%s", double(until), describe(run, until).constData()); \
        QVERIFY(condition); \
    } while (false)

/// The share of the samples in [\a from, \a to] s in which stage \a k was doing \a activity.
double shareOf(const MeterRun &run, int k, StageActivity activity, double from, double to)
{
    int all = 0, matching = 0;
    for (const MeterSnapshot &s : run.samples) {
        if (s.t < from || s.t > to || k >= s.stages.size())
            continue;
        ++all;
        matching += s.stages[k].activity == activity ? 1 : 0;
    }
    return all ? double(matching) / all : 0;
}

bool processExists(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
}

} // namespace

class TestMeter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitter_data();
    void splitter();
    void simpleCommand_data();
    void simpleCommand();
    void exactTotals();
    void bottleneckCpuBoundMiddle();
    void bottleneckRateLimited();
    void bottleneckSlowSink();
    void bottleneckStoppedStage();
    void balanced();
    void spliceBlindStageUsesNeighbour();
    void millisecondPipeline();
    void endSeenWithoutWaitingForATick();
    void pipeWithoutReaderIsNotReadThroughItsWriter();
    void exitStatuses_data();
    void exitStatuses();
    void vanishingStage();
    void attachedStageNamedAfterExec();
    void stopEndsAndReaps();
    void jsonSchema();
};

void TestMeter::splitter_data()
{
    QTest::addColumn<QString>("pipeline");
    QTest::addColumn<QStringList>("stages");
    QTest::addColumn<QString>("error");
    QTest::newRow("three") << QStringLiteral("a | b|c") << QStringList { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") } << QStringLiteral("");
    QTest::newRow("quoted") << QStringLiteral("grep 'x|y' | tr \"|\" _") << QStringList { QStringLiteral("grep 'x|y'"), QStringLiteral("tr \"|\" _") } << QStringLiteral("");
    QTest::newRow("escaped") << QStringLiteral("echo a\\|b | cat") << QStringList { QStringLiteral("echo a\\|b"), QStringLiteral("cat") } << QStringLiteral("");
    QTest::newRow("subshell") << QStringLiteral("(a | b) | c") << QStringList { QStringLiteral("(a | b)"), QStringLiteral("c") } << QStringLiteral("");
    QTest::newRow("command substitution") << QStringLiteral("echo $(a | b) | c") << QStringList { QStringLiteral("echo $(a | b)"), QStringLiteral("c") } << QStringLiteral("");
    QTest::newRow("or list") << QStringLiteral("a || b | c") << QStringList { QStringLiteral("a || b"), QStringLiteral("c") } << QStringLiteral("");
    QTest::newRow("empty") << QStringLiteral("   ") << QStringList() << QStringLiteral("empty pipeline");
    QTest::newRow("empty stage") << QStringLiteral("a | | b") << QStringList() << QStringLiteral("empty stage 2");
    QTest::newRow("trailing pipe") << QStringLiteral("a |") << QStringList() << QStringLiteral("empty stage 2");
    QTest::newRow("leading pipe") << QStringLiteral("| a") << QStringList() << QStringLiteral("empty stage 1");
    QTest::newRow("unterminated") << QStringLiteral("echo 'a | b") << QStringList() << QStringLiteral("unterminated");
    QTest::newRow("bar-amp") << QStringLiteral("a |& b") << QStringList() << QStringLiteral("not POSIX");
}

void TestMeter::splitter()
{
    QFETCH(QString, pipeline);
    QFETCH(QStringList, stages);
    QFETCH(QString, error);
    const SplitPipeline split = PipelineSplitter::split(pipeline);
    QCOMPARE(split.stages, stages);
    if (error.isEmpty())
        QVERIFY2(split.ok(), qPrintable(split.error.message()));
    else
        QVERIFY2(split.error.message().contains(error), qPrintable(split.error.message()));
}

void TestMeter::simpleCommand_data()
{
    QTest::addColumn<QString>("stage");
    QTest::addColumn<bool>("simple");
    QTest::newRow("program") << QStringLiteral("gzip -9") << true;
    QTest::newRow("redirections") << QStringLiteral("cat > /dev/null 2>&1") << true;
    QTest::newRow("list") << QStringLiteral("a; b") << false;
    QTest::newRow("assignment") << QStringLiteral("LC_ALL=C sort") << false;
    QTest::newRow("loop") << QStringLiteral("while read l; do echo; done") << false;
    QTest::newRow("builtin") << QStringLiteral("read x") << false;
    QTest::newRow("subshell") << QStringLiteral("(cat)") << false;
    QTest::newRow("quoted operators") << QStringLiteral("perl -e 'while (1) { sleep 1; }'") << true;
    QTest::newRow("escaped operators") << QStringLiteral("echo a\\;b \\(c\\)") << true;
    QTest::newRow("double-quoted list") << QStringLiteral("grep \"a;b&c\" f") << true;
    QTest::newRow("double-quoted substitution") << QStringLiteral("echo \"$(date)\"") << false;
    QTest::newRow("quote then list") << QStringLiteral("echo ';' ; date") << false;
}

void TestMeter::simpleCommand()
{
    QFETCH(QString, stage);
    QFETCH(bool, simple);
    QCOMPARE(PipelineSplitter::isSimpleCommand(stage), simple);
    QCOMPARE(PipelineSplitter::shellScript(stage).startsWith(QStringLiteral("exec ")), simple);
}

void TestMeter::exactTotals()
{
    // Launched stages are read from their zombies: wchar is exact, rchar exact but for the
    // few KiB the dynamic loader reads at exec.
    const MeterRun run = meter(QStringLiteral("head -c 5000000 /dev/zero | cat | cat > /dev/null"), 10000);
    QVERIFY(run.finished);
    QCOMPARE(run.summary.stages.size(), 3);
    for (const StageSummary &stage : run.summary.stages) {
        QVERIFY(stage.exact);
        QCOMPARE(stage.exitCode, std::optional<int>(0));
    }
    QCOMPARE(run.summary.stages[0].bytesOut, quint64(5000000));
    QCOMPARE(run.summary.stages[1].bytesOut, quint64(5000000));
    QVERIFY2(run.summary.stages[1].bytesIn >= 5000000 && run.summary.stages[1].bytesIn < 5000000 + 32768,
             qPrintable(QString::number(run.summary.stages[1].bytesIn)));
    QCOMPARE(run.summary.pipes.size(), 2);
    QCOMPARE(run.summary.pipes[0].bytes, quint64(5000000));
    QCOMPARE(run.summary.pipes[1].bytes, quint64(5000000));
    QCOMPARE(run.summary.pipes[0].rateSource, RateSource::WriterOut);
    QCOMPARE(run.summary.exitStatus(), 0);
}

void TestMeter::bottleneckCpuBoundMiddle()
{
    // gzip -9 needs about 3x the CPU of yes and head together per byte: it is the limit whether
    // the machine is idle (each stage gets a CPU) or loaded (every stage waits for one, and the
    // fill levels flicker).
    const MeterRun run = meter(QStringLiteral("yes | head -c 2G | gzip -9 | cat > /dev/null"), 2300);
    const Bottleneck verdict = verdictAt(run, 2.2);
    VERIFY_RUN(verdict.stage == 2, run, 2.2);
    QCOMPARE(verdict.cause, BottleneckCause::Cpu);
    QVERIFY(verdict.text.contains(QStringLiteral("gzip -9")));
    QCOMPARE(run.summary.bottleneck.stage, 2);
    QVERIFY(run.summary.interrupted);
}

void TestMeter::bottleneckRateLimited()
{
    if (QStandardPaths::findExecutable(QStringLiteral("pv")).isEmpty())
        QSKIP("pv is not installed (.ci/install-deps.sh installs it)");
    // 5 MiB/s through pv's limiter: cat's counters (pv's own are blind, it splices) give the rate.
    const MeterRun run = meter(QStringLiteral("head -c 100M /dev/urandom | cat | pv -q -L 5m > /dev/null"), 2800);
    const Bottleneck verdict = verdictAt(run, 2.7);
    QVERIFY2(verdict.stage == 2, qPrintable(verdict.text));
    QCOMPARE(verdict.cause, BottleneckCause::Throttled);
    const MeterPipeSample pipe = sampleAt(run, 2.7).pipes.value(1);
    QCOMPARE(pipe.rateSource, RateSource::WriterOut);
    const double expected = 5.0 * 1024 * 1024;
    VERIFY_RUN(qAbs(pipe.rate - expected) < expected * 0.05, run, 2.7);
}

void TestMeter::bottleneckSlowSink()
{
    // The sink takes 4 KiB every 20 ms and sleeps in between: everything upstream is full.
    const QString slow = Test::helperPath(QStringLiteral("explorer_slowcat"));
    const MeterRun run = meter(QStringLiteral("cat /dev/zero | cat | %1 4096 20000 > /dev/null").arg(slow), 2300);
    const Bottleneck verdict = verdictAt(run, 2.2);
    VERIFY_RUN(verdict.stage == 2, run, 2.2);
    QCOMPARE(verdict.cause, BottleneckCause::Throttled);
    // Back-pressure: the middle stage waits to write in most samples of the last second (a
    // single sample may catch it copying).
    VERIFY_RUN(shareOf(run, 1, StageActivity::BlockedWriting, 1.2, 2.2) >= 0.7, run, 2.2);
}

void TestMeter::bottleneckStoppedStage()
{
    bool stoppedIt = false, continued = false;
    const MeterRun run = meter(QStringLiteral("yes | cat | cat > /dev/null"), 2600,
                               [&](PipelineMeter &meter, const MeterSnapshot &s) {
                                   if (!stoppedIt && s.t > 0.2)
                                       stoppedIt = meter.signalStage(1, SIGSTOP);
                                   if (!continued && s.t > 2.4)
                                       continued = meter.signalStage(1, SIGCONT);
                               });
    QVERIFY(stoppedIt);
    Bottleneck verdict;
    for (const MeterSnapshot &s : run.samples) {
        if (s.t > 2.1 && s.t < 2.4)
            verdict = s.bottleneck;
    }
    QVERIFY2(verdict.stage == 1, qPrintable(verdict.text));
    QCOMPARE(verdict.cause, BottleneckCause::Stopped);
    QVERIFY(run.finished);
}

void TestMeter::balanced()
{
    // Both ends keep the same pace (a line every 50 ms) over a half-full pipe: nothing is full
    // or empty and nobody waits on the pipe.
    const MeterRun run = meter(
            QStringLiteral("yes | head -c 32768; while :; do echo x; sleep 0.05; done | "
                           "while read l; do sleep 0.05; done")
                    .replace(QStringLiteral("yes | head -c 32768; while"), QStringLiteral("{ yes | head -c 32768; while"))
                    .replace(QStringLiteral("done | "), QStringLiteral("done; } | ")),
            2500);
    QCOMPARE(sampleAt(run, 2.4).stages.size(), 2);
    const Bottleneck verdict = verdictAt(run, 2.4);
    QVERIFY2(verdict.cause == BottleneckCause::Balanced, qPrintable(verdict.text));
    QCOMPARE(verdict.stage, -1);
}

void TestMeter::spliceBlindStageUsesNeighbour()
{
    if (QStandardPaths::findExecutable(QStringLiteral("pv")).isEmpty())
        QSKIP("pv is not installed");
    const MeterRun run = meter(QStringLiteral("head -c 60M /dev/zero | pv -q -L 20m | cat > /dev/null"), 2500);
    const MeterSnapshot last = sampleAt(run, 2.4);
    QCOMPARE(last.stages.size(), 3);
    QVERIFY(last.stages[1].flags & StageFlag::SpliceBlind);
    QCOMPARE(last.pipes[0].rateSource, RateSource::WriterOut);
    QCOMPARE(last.pipes[1].rateSource, RateSource::ReaderIn);
    QVERIFY2(last.pipes[1].rate > 15e6, qPrintable(QString::number(last.pipes[1].rate)));
}

void TestMeter::millisecondPipeline()
{
    QElapsedTimer clock;
    clock.start();
    const MeterRun run = meter(QStringLiteral("true | true"), 10000);
    QVERIFY(run.finished);
    QVERIFY(clock.elapsed() < 3000);
    QVERIFY(!run.samples.isEmpty());
    QCOMPARE(run.summary.stages.size(), 2);
    QVERIFY(run.summary.stages[0].exact && run.summary.stages[1].exact);
    QCOMPARE(run.summary.exitStatus(), 0);
    QCOMPARE(run.summary.bottleneck.cause, BottleneckCause::Unknown);
    QVERIFY(!run.summary.interrupted);
}

void TestMeter::endSeenWithoutWaitingForATick()
{
    // At 1 Hz, a pipeline that ends at once must not be counted as running until the tick at
    // 1 s: the stages' pidfds wake the meter when they exit.
    const MeterRun run = meter(QStringLiteral("true | true"), 10000, {}, 1000);
    QVERIFY(run.finished);
    QVERIFY(!run.samples.isEmpty());
    QVERIFY2(run.samples.last().t < 0.9, qPrintable(QString::number(run.samples.last().t)));
    QCOMPARE(run.summary.exitStatus(), 0);
    QVERIFY(!run.summary.interrupted);
}

void TestMeter::pipeWithoutReaderIsNotReadThroughItsWriter()
{
    // `true` exits at once; sh keeps the write end of a pipe nobody reads for 1.5 s. Reading
    // its fill through the writer's fd would be a read end of our own on that pipe for an
    // instant (an echo then would succeed instead of dying of SIGPIPE): the fill is unknown.
    const MeterRun run = meter(QStringLiteral("sh -c 'sleep 1.5; echo late' | true"), 10000, {}, 20);
    QVERIFY(run.finished);
    int readerless = 0;
    for (const MeterSnapshot &s : run.samples) {
        if (s.t < 0.3 || s.t > 1.3 || s.stages.value(1).activity != StageActivity::Exited)
            continue;
        ++readerless;
        QCOMPARE(s.pipes.value(0).queued, -1);
    }
    QVERIFY2(readerless > 10, qPrintable(QString::number(readerless)));
    QCOMPARE(run.summary.stages.value(0).signal, SIGPIPE);
}

void TestMeter::exitStatuses_data()
{
    QTest::addColumn<QString>("pipeline");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("pipefailStatus");
    QTest::newRow("last fails") << QStringLiteral("true | false") << 1 << 1;
    QTest::newRow("first fails") << QStringLiteral("false | true") << 0 << 1;
    QTest::newRow("exit codes") << QStringLiteral("exit 3 | exit 5 | true") << 0 << 5;
    QTest::newRow("unknown command") << QStringLiteral("no-such-command-pipescope | true") << 0 << 127;
    QTest::newRow("signal") << QStringLiteral("sh -c 'kill -TERM $$' | true") << 0 << 128 + SIGTERM;
}

void TestMeter::exitStatuses()
{
    QFETCH(QString, pipeline);
    QFETCH(int, status);
    QFETCH(int, pipefailStatus);
    const MeterRun run = meter(pipeline, 10000);
    QVERIFY(run.finished);
    QCOMPARE(run.summary.exitStatus(false), status);
    QCOMPARE(run.summary.exitStatus(true), pipefailStatus);
}

void TestMeter::vanishingStage()
{
    const MeterRun run = meter(QStringLiteral("sleep 0.4 | sleep 1.2"), 10000);
    QVERIFY(run.finished);
    bool sawHalf = false;
    for (const MeterSnapshot &s : run.samples)
        sawHalf = sawHalf || (s.stages[0].activity == StageActivity::Exited && s.stages[1].activity != StageActivity::Exited);
    QVERIFY(sawHalf);
    QCOMPARE(run.summary.stages[0].exitCode, std::optional<int>(0));
    QCOMPARE(run.summary.stages[1].exitCode, std::optional<int>(0));
    QVERIFY(run.summary.duration >= 1.1);
}

void TestMeter::attachedStageNamedAfterExec()
{
    // The second stage is a subshell that execs cat after a second: attached before that, the
    // meter reads the shell's command line; once cat runs, the stage must be called cat.
    QProcess shell;
    shell.setStandardInputFile(QProcess::nullDevice());
    shell.setStandardOutputFile(QProcess::nullDevice());
    shell.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QStringLiteral("sleep 30 | (sleep 1; exec cat)") });
    QVERIFY(shell.waitForStarted());
    PipelineMeter meter;
    // Until both stages are forked; QTRY re-evaluates its condition once more at the end.
    QTRY_VERIFY2_WITH_TIMEOUT(meter.isActive() || meter.attach(shell.processId()), qPrintable(meter.errorString()), 5000);
    const QList<StageSample> stages = meter.stages();
    QCOMPARE(stages.size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(meter.lastSnapshot().stages.value(1).command, QStringLiteral("cat"), 10000);
    QCOMPARE(meter.lastSnapshot().stages.value(0).command, QStringLiteral("sleep 30"));
    meter.stop();
    for (const StageSample &stage : stages)
        ::kill(pid_t(stage.pid), SIGKILL);
    QVERIFY(shell.waitForFinished(5000));
}

void TestMeter::stopEndsAndReaps()
{
    const MeterRun run = meter(QStringLiteral("sleep 30 | sleep 30"), 300);
    QVERIFY(run.finished);
    QVERIFY(run.summary.interrupted);
    QVERIFY(run.summary.duration < 3);
    for (const StageSummary &stage : run.summary.stages) {
        QCOMPARE(stage.signal, SIGTERM);
        QVERIFY(!processExists(stage.pid));
    }
}

void TestMeter::jsonSchema()
{
    const MeterRun run = meter(QStringLiteral("yes | cat | cat > /dev/null"), 1300);
    QVERIFY(run.samples.size() >= 2);
    const QJsonObject sample = MeterJson::sample(sampleAt(run, 1.2));
    QCOMPARE(sample.value(QStringLiteral("type")).toString(), QStringLiteral("sample"));
    QVERIFY(sample.value(QStringLiteral("t")).toDouble() > 0);
    const QJsonArray stages = sample.value(QStringLiteral("stages")).toArray();
    QCOMPARE(stages.size(), 3);
    for (const char *key : { "pid", "command", "state", "cpu", "bytes_in", "bytes_out" })
        QVERIFY2(stages.first().toObject().contains(QLatin1String(key)), key);
    const QJsonArray pipes = sample.value(QStringLiteral("pipes")).toArray();
    QCOMPARE(pipes.size(), 2);
    for (const char *key : { "from", "to", "queued", "capacity", "rate" })
        QVERIFY2(pipes.first().toObject().contains(QLatin1String(key)), key);
    QCOMPARE(pipes.first().toObject().value(QStringLiteral("capacity")).toInt(), 65536);
    const QJsonObject bottleneck = sample.value(QStringLiteral("bottleneck")).toObject();
    for (const char *key : { "stage", "cause", "text" })
        QVERIFY2(bottleneck.contains(QLatin1String(key)), key);
    const QJsonObject summary = MeterJson::summary(run.summary);
    QCOMPARE(summary.value(QStringLiteral("type")).toString(), QStringLiteral("summary"));
    for (const char *key : { "duration", "stages", "pipes", "bottleneck", "exit_status" })
        QVERIFY2(summary.contains(QLatin1String(key)), key);
    const QJsonObject stage = summary.value(QStringLiteral("stages")).toArray().first().toObject();
    for (const char *key : { "pid", "command", "bytes_in", "bytes_out", "exit_code", "signal" })
        QVERIFY2(stage.contains(QLatin1String(key)), key);
    const QJsonObject pipe = summary.value(QStringLiteral("pipes")).toArray().first().toObject();
    for (const char *key : { "from", "to", "bytes", "min_rate", "avg_rate", "max_rate" })
        QVERIFY2(pipe.contains(QLatin1String(key)), key);
    QVERIFY(MeterJson::line(sample).endsWith('\n'));
    QVERIFY(!MeterJson::line(sample).chopped(1).contains('\n'));
}

QTEST_GUILESS_MAIN(TestMeter)
#include "tst_meter.moc"
