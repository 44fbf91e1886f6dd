// `pipescope run`: bytes pass through unchanged, exit statuses as the shell gives them, 127,
// the live lines and the summary on stderr, -q, the JSON lines file, bad input, Ctrl-C.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

CommandResult run(const QStringList &arguments)
{
    return runCommand(QStringLiteral(PIPESCOPE_BINARY), QStringList { QStringLiteral("run") } + arguments, 60000);
}

QList<QJsonObject> readJsonLines(const QString &path)
{
    QFile file(path);
    QList<QJsonObject> lines;
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

} // namespace

class TestCliRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passthroughChecksum();
    void exitStatus_data();
    void exitStatus();
    void unknownCommandSaysSo();
    void badInput_data();
    void badInput();
    void plainLinesAndSummary();
    void quiet();
    void jsonLines();
    void jsonPathRefused();
    void ctrlCEndsPipelineAndSummarises();
};

void TestCliRun::passthroughChecksum()
{
    QTemporaryDir dir;
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 17, 7);
    QFile input(dir.filePath(QStringLiteral("in")));
    QVERIFY(input.open(QIODevice::WriteOnly));
    input.write(data);
    input.close();
    QProcess process;
    process.setStandardInputFile(input.fileName());
    process.setStandardOutputFile(dir.filePath(QStringLiteral("out")));
    process.start(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("run"), QStringLiteral("gzip -1 | gunzip | cat") });
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    QFile output(dir.filePath(QStringLiteral("out")));
    QVERIFY(output.open(QIODevice::ReadOnly));
    const QByteArray out = output.readAll();
    QCOMPARE(out.size(), data.size());
    QCOMPARE(sha256(out), sha256(data));
    // The summary counted what passed: gunzip wrote every byte, exactly.
    const QString err = QString::fromLocal8Bit(process.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("pipescope run: 3 stages")), qPrintable(err));
}

void TestCliRun::exitStatus_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::newRow("last stage fails") << QStringList { QStringLiteral("true | false") } << 1;
    QTest::newRow("first stage fails") << QStringList { QStringLiteral("false | true") } << 0;
    QTest::newRow("pipefail") << QStringList { QStringLiteral("--pipefail"), QStringLiteral("exit 4 | true") } << 4;
    QTest::newRow("rightmost failure") << QStringList { QStringLiteral("--pipefail"), QStringLiteral("exit 4 | exit 6 | true") } << 6;
    QTest::newRow("signal") << QStringList { QStringLiteral("true | sh -c 'kill -TERM $$'") } << 128 + SIGTERM;
    QTest::newRow("single stage") << QStringList { QStringLiteral("exit 9") } << 9;
}

void TestCliRun::exitStatus()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    const CommandResult result = run(QStringList { QStringLiteral("-q") } + arguments);
    QCOMPARE(result.exitCode, status);
}

void TestCliRun::unknownCommandSaysSo()
{
    const CommandResult result = run({ QStringLiteral("true | no-such-command-pipescope") });
    QCOMPARE(result.exitCode, 127);
    QVERIFY2(result.err.contains(QStringLiteral("no-such-command-pipescope: not found")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("command not found")), qPrintable(result.err));
}

void TestCliRun::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no pipeline") << QStringList() << QStringLiteral("one quoted argument");
    QTest::newRow("empty pipeline") << QStringList { QStringLiteral("  ") } << QStringLiteral("empty pipeline");
    QTest::newRow("empty stage") << QStringList { QStringLiteral("cat | | cat") } << QStringLiteral("empty stage 2");
    QTest::newRow("interval") << QStringList { QStringLiteral("--interval"), QStringLiteral("5"), QStringLiteral("true") }
                              << QStringLiteral("--interval (ms) needs a number from 20 to 1000, got '5'");
    QTest::newRow("two arguments") << QStringList { QStringLiteral("true"), QStringLiteral("true") } << QStringLiteral("one quoted argument");
}

void TestCliRun::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandResult result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestCliRun::plainLinesAndSummary()
{
    // stderr is a pipe here, not a terminal: plain lines, one a second, then the summary.
    const CommandResult result = run({ QStringLiteral("head -c 40M /dev/zero | pv -q -L 20m | cat > /dev/null") });
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.err.contains(QStringLiteral("pipescope run 1.")), qPrintable(result.err));
    QVERIFY(!result.err.contains(QStringLiteral("\x1b[")));
    QVERIFY(result.err.contains(QStringLiteral("stage 2  pv -q -L 20m")));
    QVERIFY(result.err.contains(QStringLiteral("pipe 1 -> 2  41.9 MB")));
    QVERIFY(result.err.contains(QStringLiteral("bottleneck: pv -q -L 20m (stage 2 of 3)")));
}

void TestCliRun::quiet()
{
    const CommandResult result = run({ QStringLiteral("-q"), QStringLiteral("head -c 1000 /dev/zero | cat > /dev/null") });
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.err, QString());
}

void TestCliRun::jsonLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("meter.jsonl"));
    const CommandResult result = run({ QStringLiteral("-q"), QStringLiteral("--json"), path, QStringLiteral("--interval"),
                                       QStringLiteral("50"), QStringLiteral("head -c 30M /dev/zero | pv -q -L 20m | wc -c > /dev/null") });
    QCOMPARE(result.exitCode, 0);
    const QList<QJsonObject> lines = readJsonLines(path);
    QVERIFY(lines.size() >= 20); // 1.5 s at 20 Hz
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        QCOMPARE(lines[i].value(QStringLiteral("type")).toString(), QStringLiteral("sample"));
    const QJsonObject summary = lines.last();
    QCOMPARE(summary.value(QStringLiteral("type")).toString(), QStringLiteral("summary"));
    QCOMPARE(summary.value(QStringLiteral("exit_status")).toInt(), 0);
    const QJsonArray stages = summary.value(QStringLiteral("stages")).toArray();
    QCOMPARE(stages.size(), 3);
    QCOMPARE(stages[0].toObject().value(QStringLiteral("bytes_out")).toInteger(), 30 * 1024 * 1024);
    QCOMPARE(stages[0].toObject().value(QStringLiteral("exit_code")).toInt(), 0);
    const QJsonObject pipe = summary.value(QStringLiteral("pipes")).toArray()[1].toObject();
    QCOMPARE(pipe.value(QStringLiteral("rate_source")).toString(), QStringLiteral("reader")); // pv splices
    // Counted by wc's rchar: the pipe's bytes plus what the loader reads at exec (a few KiB).
    const qint64 bytes = pipe.value(QStringLiteral("bytes")).toInteger();
    QVERIFY2(bytes >= 30 * 1024 * 1024 && bytes < 30 * 1024 * 1024 + 32768, qPrintable(QString::number(bytes)));
    QCOMPARE(summary.value(QStringLiteral("bottleneck")).toObject().value(QStringLiteral("stage")).toInt(), 1);
}

void TestCliRun::jsonPathRefused()
{
    const CommandResult result = run({ QStringLiteral("--json"), QStringLiteral("/nonexistent-dir/x.jsonl"), QStringLiteral("true") });
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("/nonexistent-dir/x.jsonl")), qPrintable(result.err));
}

void TestCliRun::ctrlCEndsPipelineAndSummarises()
{
    QProcess process;
    process.start(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("run"), QStringLiteral("sleep 30 | sleep 31") });
    QVERIFY(process.waitForStarted());
    QList<pid_t> stages;
    QTRY_VERIFY_WITH_TIMEOUT((stages = ChildProcesses::childrenOf(pid_t(process.processId()))).size() == 2, 10000);
    QTest::qWait(300);
    ::kill(pid_t(process.processId()), SIGINT); // only pipescope: it must end the stages itself
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 128 + SIGINT);
    const QString err = QString::fromLocal8Bit(process.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("(interrupted)")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("killed by signal 15")), qPrintable(err));
    for (pid_t pid : std::as_const(stages))
        QVERIFY2(::kill(pid, 0) != 0 && errno == ESRCH, qPrintable(QString::number(pid)));
}

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
