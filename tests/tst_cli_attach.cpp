// `pipescope attach PID`: finds a running pipeline from any stage or its shell (and nothing
// more: an unrelated pipe every process inherits is not followed), meters it until it ends or
// --count samples, handles another user's stage, and refuses what is no pipeline.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <unistd.h>
#include <sys/stat.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

QString commOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().trimmed()) : QString();
}

/// A pipeline started by bash -c; its stages found among bash's children by name, the one
/// reading and writing pipes for a middle `cat`.
class ShellPipeline
{
public:
    explicit ShellPipeline(const QString &script)
    {
        m_shell.setStandardInputFile(QProcess::nullDevice());
        m_shell.setStandardOutputFile(QProcess::nullDevice());
        m_shell.start(QStringLiteral("bash"), { QStringLiteral("-c"), script });
        m_shell.waitForStarted();
    }
    ~ShellPipeline()
    {
        for (pid_t pid : ChildProcesses::childrenOf(pid_t(shellPid())))
            ::kill(pid_t(pid), SIGKILL);
        m_shell.kill();
        m_shell.waitForFinished();
    }
    qint64 shellPid() const { return m_shell.processId(); }
    /// The child named \a name whose fd 1 is (or is not) a pipe.
    qint64 stage(const QString &name, bool writesPipe) const
    {
        for (pid_t pid : ChildProcesses::childrenOf(pid_t(shellPid()))) {
            if (commOf(pid) == name && fdLinks(pid).value(1).startsWith(QStringLiteral("pipe:")) == writesPipe)
                return pid;
        }
        return 0;
    }

private:
    QProcess m_shell;
};

struct Attached
{
    CommandResult result;
    QList<QJsonObject> lines;
    QJsonObject summary() const { return lines.isEmpty() ? QJsonObject() : lines.last(); }
    QList<qint64> stagePids() const
    {
        QList<qint64> pids;
        for (const QJsonValue &stage : summary().value(QStringLiteral("stages")).toArray())
            pids << stage.toObject().value(QStringLiteral("pid")).toInteger();
        return pids;
    }
};

Attached attach(const QStringList &arguments, bool asNobody = false)
{
    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0777);
    const QString path = dir.filePath(QStringLiteral("attach.jsonl"));
    const QStringList all = QStringList { QStringLiteral("attach"), QStringLiteral("--json"), path } + arguments;
    Attached attached;
    attached.result = asNobody ? runAsNobody(QStringLiteral(PIPESCOPE_BINARY), all)
                               : runCommand(QStringLiteral(PIPESCOPE_BINARY), all);
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (!line.isEmpty())
                attached.lines << QJsonDocument::fromJson(line).object();
        }
    }
    return attached;
}

} // namespace

class TestCliAttach : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromEveryStageAndTheShell();
    void untilThePipelineEnds();
    void anotherUsersStage();
    void refusals_data();
    void refusals();
    void notAPipeline();
};

void TestCliAttach::fromEveryStageAndTheShell()
{
    // fd 251 is a pipe every stage inherits from the shell (its reader: a process
    // substitution's cat): following it would add that cat to the pipeline.
    ShellPipeline pipeline(QStringLiteral("exec 251> >(cat > /dev/null); sleep 30 | cat | tr a b > /dev/null"));
    qint64 sleepPid = 0, catPid = 0, trPid = 0;
    QTRY_VERIFY_WITH_TIMEOUT((sleepPid = pipeline.stage(QStringLiteral("sleep"), true))
                                     && (catPid = pipeline.stage(QStringLiteral("cat"), true))
                                     && (trPid = pipeline.stage(QStringLiteral("tr"), false)),
                             10000);
    QVERIFY(fdLinks(catPid).value(251).startsWith(QStringLiteral("pipe:")));
    const QList<qint64> expected { sleepPid, catPid, trPid };
    for (qint64 seed : { sleepPid, catPid, trPid, pipeline.shellPid() }) {
        const Attached attached = attach({ QStringLiteral("--count"), QStringLiteral("3"), QStringLiteral("--interval"),
                                           QStringLiteral("50"), QString::number(seed) });
        QCOMPARE(attached.result.exitCode, 0);
        QCOMPARE(attached.lines.size(), 4); // 3 samples and the summary
        QCOMPARE(attached.stagePids(), expected);
        const QJsonArray stages = attached.lines.first().value(QStringLiteral("stages")).toArray();
        QCOMPARE(stages[0].toObject().value(QStringLiteral("command")).toString(), QStringLiteral("sleep 30"));
        QCOMPARE(stages[2].toObject().value(QStringLiteral("command")).toString(), QStringLiteral("tr a b"));
        QCOMPARE(stages[1].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("blocked-read"));
    }
    // Attaching changed nothing: the stages still run.
    QVERIFY(::kill(pid_t(catPid), 0) == 0);
}

void TestCliAttach::untilThePipelineEnds()
{
    ShellPipeline pipeline(QStringLiteral("yes | head -c 300M | sleep 3"));
    qint64 sleepPid = 0;
    QTRY_VERIFY_WITH_TIMEOUT((sleepPid = pipeline.stage(QStringLiteral("sleep"), false)) != 0, 10000);
    QTest::qWait(100);
    const Attached attached = attach({ QString::number(sleepPid) });
    QVERIFY2(attached.result.exitCode == 0, qPrintable(attached.result.err));
    QCOMPARE(attached.stagePids().size(), 3);
    QVERIFY(attached.lines.size() >= 5);
    // Stages vanished one by one (sleep ends, head and yes then die of SIGPIPE): every one is
    // shown as exited at the end, and the sample before kept its counts.
    const QJsonArray last = attached.lines[attached.lines.size() - 2].value(QStringLiteral("stages")).toArray();
    for (const QJsonValue &stage : last)
        QCOMPARE(stage.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("exited"));
    const QJsonObject yes = attached.summary().value(QStringLiteral("stages")).toArray()[0].toObject();
    QVERIFY(yes.value(QStringLiteral("bytes_out")).toInteger() >= 65536);
}

void TestCliAttach::anotherUsersStage()
{
    if (::geteuid() != 0 || !nobodyCanRun(QStringLiteral(PIPESCOPE_BINARY)))
        QSKIP("needs root to start a stage as nobody, and a binary nobody may run");
    ShellPipeline pipeline(QStringLiteral("yes | setpriv --reuid=65534 --regid=65534 --clear-groups cat > /dev/null"));
    qint64 catPid = 0;
    QTRY_VERIFY_WITH_TIMEOUT((catPid = pipeline.stage(QStringLiteral("cat"), false)) != 0, 10000);
    QTest::qWait(200);
    // As nobody: cat is ours, yes (root's) shows only what /proc/PID/stat tells everyone.
    const Attached attached = attach({ QStringLiteral("--count"), QStringLiteral("14"), QString::number(catPid) }, true);
    QVERIFY2(attached.result.exitCode == 0, qPrintable(attached.result.err));
    QCOMPARE(attached.stagePids().size(), 2);
    const QJsonObject sample = attached.lines[attached.lines.size() - 2];
    const QJsonObject yes = sample.value(QStringLiteral("stages")).toArray()[0].toObject();
    QVERIFY(yes.value(QStringLiteral("flags")).toArray().contains(QStringLiteral("no-access")));
    QVERIFY(yes.value(QStringLiteral("bytes_out")).isNull());
    QVERIFY(yes.value(QStringLiteral("state")).toString() != QStringLiteral("unknown"));
    const QJsonObject pipe = sample.value(QStringLiteral("pipes")).toArray()[0].toObject();
    QCOMPARE(pipe.value(QStringLiteral("rate_source")).toString(), QStringLiteral("reader"));
    QVERIFY(pipe.value(QStringLiteral("rate")).toDouble() > 0);
    // (Its fill stays unknown: the pipe was made by root's bash, and its inode, mode 0600
    // root, refuses nobody's reopen even through cat's own fd 0.)
    QVERIFY(attached.result.err.contains(QStringLiteral("no access")));
}

void TestCliAttach::refusals_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("no pid") << QStringList() << 2 << QStringLiteral("one process id");
    QTest::newRow("not a number") << QStringList { QStringLiteral("abc") } << 2
                                  << QStringLiteral("the process id needs a number from 1 to 2147483647, got 'abc'");
    QTest::newRow("count") << QStringList { QStringLiteral("--count"), QStringLiteral("0"), QStringLiteral("1") } << 2
                           << QStringLiteral("--count");
    QTest::newRow("no such process") << QStringList { QStringLiteral("2147483000") } << 1 << QStringLiteral("no process 2147483000");
}

void TestCliAttach::refusals()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    QFETCH(QString, message);
    const CommandResult result = runCommand(QStringLiteral(PIPESCOPE_BINARY), QStringList { QStringLiteral("attach") } + arguments);
    QCOMPARE(result.exitCode, status);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestCliAttach::notAPipeline()
{
    QProcess lonely;
    lonely.setStandardInputFile(QProcess::nullDevice());
    lonely.setStandardOutputFile(QProcess::nullDevice());
    lonely.start(QStringLiteral("sleep"), { QStringLiteral("30") });
    QVERIFY(lonely.waitForStarted());
    const CommandResult result = runCommand(QStringLiteral(PIPESCOPE_BINARY),
                                            { QStringLiteral("attach"), QString::number(lonely.processId()) });
    lonely.kill();
    lonely.waitForFinished();
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("is not in a pipeline")), qPrintable(result.err));
}

QTEST_GUILESS_MAIN(TestCliAttach)
#include "tst_cli_attach.moc"
