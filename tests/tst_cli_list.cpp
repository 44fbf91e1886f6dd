// `pipescope list`: the JSON shape from the issue, its values on real pipes, the text view,
// the filters, usage errors, and what an unprivileged user sees.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/sys.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QFile>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

using Result = CommandResult;

Result list(const QStringList &arguments)
{
    return runCommand(QStringLiteral(PIPESCOPE_BINARY), QStringList { QStringLiteral("list") } + arguments);
}

QJsonObject listJson(const QStringList &arguments)
{
    const Result result = list(QStringList { QStringLiteral("--json") } + arguments);
    return QJsonDocument::fromJson(result.out).object();
}

/// The pipe object in \a root that \a pid holds as \a fd.
QJsonObject pipeHeldBy(const QJsonObject &root, qint64 pid, int fd)
{
    for (const QJsonValue &pipe : root.value(QStringLiteral("pipes")).toArray()) {
        for (const QJsonValue &endpoint : pipe.toObject().value(QStringLiteral("endpoints")).toArray()) {
            if (endpoint.toObject().value(QStringLiteral("pid")).toInteger() == pid
                && endpoint.toObject().value(QStringLiteral("fd")).toInt() == fd)
                return pipe.toObject();
        }
    }
    return {};
}

QJsonObject endpointOf(const QJsonObject &pipe, qint64 pid)
{
    for (const QJsonValue &endpoint : pipe.value(QStringLiteral("endpoints")).toArray()) {
        if (endpoint.toObject().value(QStringLiteral("pid")).toInteger() == pid)
            return endpoint.toObject();
    }
    return {};
}

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}


} // namespace

class TestCliList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonShapeAndValues();
    void unreachablePipeSaysWhy();
    void diagnosticsInJson();
    void textView();
    void fifoOpenerListed();
    void filters();
    void usageErrors_data();
    void usageErrors();
    void unprivilegedView();
    void unprivilegedSeesOwnFifoOpener();
    void insideAPidNamespaceGivesNoVerdict();
    void missingPidIsAnError_data();
    void missingPidIsAnError();
};

void TestCliList::jsonShapeAndValues()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeRead, 0 } });
    const QString source = helperPath(QStringLiteral("explorer_source"));
    const pid_t writer = children.spawn({ source, QStringLiteral("10000"), QStringLiteral("1000"), QStringLiteral("hold") },
                                        { { pipeWrite, 1 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_COMPARE_WITH_TIMEOUT(pipeHeldBy(listJson({ QStringLiteral("--pid"), QString::number(reader) }), reader, 0)
                                      .value(QStringLiteral("queued")).toInt(),
                              10000, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(endpointOf(pipeHeldBy(listJson({}), reader, 0), writer).value(QStringLiteral("state")).toString(),
                              QStringLiteral("sleeping"), 5000);

    const QJsonObject root = listJson({ QStringLiteral("--pid"), QString::number(reader) });
    QCOMPARE(sortedKeys(root), (QStringList { QStringLiteral("pipes"), QStringLiteral("processes_scanned"),
                                              QStringLiteral("processes_skipped") }));
    QVERIFY(root.value(QStringLiteral("processes_scanned")).toInt() > 2);
    QVERIFY(root.value(QStringLiteral("processes_skipped")).isDouble());
    const QJsonObject pipe = pipeHeldBy(root, reader, 0);
    QCOMPARE(sortedKeys(pipe), (QStringList { QStringLiteral("capacity"), QStringLiteral("diagnostics"),
                                              QStringLiteral("endpoints"), QStringLiteral("inode"),
                                              QStringLiteral("kind"), QStringLiteral("openers"),
                                              QStringLiteral("path"), QStringLiteral("queued") }));
    QCOMPARE(pipe.value(QStringLiteral("openers")).toArray(), QJsonArray());
    struct stat status = {};
    QCOMPARE(::stat(QByteArray("/proc/" + QByteArray::number(reader) + "/fd/0").constData(), &status), 0);
    QCOMPARE(pipe.value(QStringLiteral("inode")).toInteger(), qint64(status.st_ino));
    QCOMPARE(pipe.value(QStringLiteral("kind")).toString(), QStringLiteral("pipe"));
    QVERIFY(pipe.value(QStringLiteral("path")).isNull());
    QCOMPARE(pipe.value(QStringLiteral("capacity")).toInt(), 65536);
    QCOMPARE(pipe.value(QStringLiteral("queued")).toInt(), 10000);
    QCOMPARE(pipe.value(QStringLiteral("diagnostics")).toArray(), QJsonArray());
    const QJsonArray endpoints = pipe.value(QStringLiteral("endpoints")).toArray();
    QCOMPARE(endpoints.size(), 2);
    const QJsonObject readEnd = endpointOf(pipe, reader);
    QCOMPARE(sortedKeys(readEnd), (QStringList { QStringLiteral("command"), QStringLiteral("fd"),
                                                 QStringLiteral("mode"), QStringLiteral("pid"),
                                                 QStringLiteral("state") }));
    QCOMPARE(readEnd.value(QStringLiteral("fd")).toInt(), 0);
    QCOMPARE(readEnd.value(QStringLiteral("mode")).toString(), QStringLiteral("r"));
    QCOMPARE(readEnd.value(QStringLiteral("command")).toString(), QStringLiteral("sleep 600"));
    QCOMPARE(readEnd.value(QStringLiteral("state")).toString(), QStringLiteral("sleeping"));
    const QJsonObject writeEnd = endpointOf(pipe, writer);
    QCOMPARE(writeEnd.value(QStringLiteral("fd")).toInt(), 1);
    QCOMPARE(writeEnd.value(QStringLiteral("mode")).toString(), QStringLiteral("w"));
    QCOMPARE(writeEnd.value(QStringLiteral("command")).toString(), source + QStringLiteral(" 10000 1000 hold"));
}

void TestCliList::unreachablePipeSaysWhy()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeWrite, 1 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_VERIFY_WITH_TIMEOUT(!pipeHeldBy(listJson({}), writer, 1).isEmpty(), 5000);
    const QJsonObject pipe = pipeHeldBy(listJson({}), writer, 1);
    QVERIFY(pipe.value(QStringLiteral("queued")).isNull());
    QVERIFY(pipe.value(QStringLiteral("capacity")).isNull());
    QVERIFY2(pipe.value(QStringLiteral("reason")).toString().startsWith(u"no process holds the read end"),
             qPrintable(pipe.value(QStringLiteral("reason")).toString()));
    const QJsonArray diagnostics = pipe.value(QStringLiteral("diagnostics")).toArray();
    QCOMPARE(diagnostics.size(), 1);
    QCOMPARE(diagnostics[0].toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
    QVERIFY(diagnostics[0].toObject().value(QStringLiteral("text")).toString().startsWith(u"no reader left"));
}

void TestCliList::diagnosticsInJson()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { pipeRead, 0 }, { devNull.get(), 1 } });
    QCOMPARE(::kill(reader, SIGSTOP), 0);
    const pid_t writer = children.spawn({ QStringLiteral("yes") }, { { pipeWrite, 1 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_COMPARE_WITH_TIMEOUT(endpointOf(pipeHeldBy(listJson({}), writer, 1), writer).value(QStringLiteral("state")).toString(),
                              QStringLiteral("blocked-write"), 5000);
    const QJsonObject pipe = pipeHeldBy(listJson({}), writer, 1);
    QCOMPARE(endpointOf(pipe, reader).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
    QCOMPARE(pipe.value(QStringLiteral("queued")).toInt(), 65536);
    const QJsonArray diagnostics = pipe.value(QStringLiteral("diagnostics")).toArray();
    QCOMPARE(diagnostics.size(), 1);
    QCOMPARE(diagnostics[0].toObject(),
             (QJsonObject { { QStringLiteral("severity"), QStringLiteral("warning") },
                            { QStringLiteral("text"),
                              QStringLiteral("writer `yes` (pid %1, fd 1) blocked on a full pipe (65536 of 65536 "
                                             "bytes queued): reader `cat` (pid %2) is stopped (SIGSTOP)")
                                      .arg(writer)
                                      .arg(reader) } }));
}

void TestCliList::textView()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    // A command line with a newline: the text view escapes it, one endpoint per line.
    const pid_t reader = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("sleep 600\n:") },
                                        { { pipeRead, 0 } });
    Sys::close(pipeRead);
    QVERIFY(writeAll(pipeWrite, "12345"));
    QTRY_VERIFY_WITH_TIMEOUT(!pipeHeldBy(listJson({}), reader, 0).isEmpty(), 5000);
    const Result result = list({ QStringLiteral("--pid"), QString::number(reader) });
    QCOMPARE(result.exitCode, 0);
    const QString text = QString::fromUtf8(result.out);
    const QString title = QStringLiteral("pipe %1  5/65536 (0%)\n")
                                  .arg(pipeHeldBy(listJson({}), reader, 0).value(QStringLiteral("inode")).toInteger());
    QVERIFY2(text.contains(title), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("%1 fd 0    r  sleeping          sh -c sleep 600\\n:\n").arg(reader, 7)),
             qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression(QStringLiteral("\\n\\d+ pipes shown of \\d+; \\d+ processes scanned, \\d+ skipped"))),
             qPrintable(text));
    Sys::close(pipeWrite);
}

void TestCliList::fifoOpenerListed()
{
    QTemporaryDir dir;
    const QString path = makeFifo(dir, QStringLiteral("f"));
    QVERIFY(!path.isEmpty());
    ChildProcesses children;
    // `sh` waits in open() to write the FIFO; nobody holds it, so only --pid or the opener
    // finds it, and the text view says what it waits for.
    const pid_t sh = children.spawnQuiet(fifoWriterCommand(path));
    const QStringList onlySh { QStringLiteral("--pid"), QString::number(sh) };
    const auto fifoOf = [&](const QJsonObject &root) {
        for (const QJsonValue &pipe : root.value(QStringLiteral("pipes")).toArray()) {
            if (pipe.toObject().value(QStringLiteral("path")).toString() == path)
                return pipe.toObject();
        }
        return QJsonObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!fifoOf(listJson(onlySh)).isEmpty(), 5000);
    const QJsonObject fifo = fifoOf(listJson(onlySh));
    QCOMPARE(fifo.value(QStringLiteral("kind")).toString(), QStringLiteral("fifo"));
    QCOMPARE(fifo.value(QStringLiteral("endpoints")).toArray(), QJsonArray());
    QVERIFY(fifo.value(QStringLiteral("queued")).isNull());
    const QJsonArray openers = fifo.value(QStringLiteral("openers")).toArray();
    QCOMPARE(openers.size(), 1);
    const QJsonObject opener = openers[0].toObject();
    QCOMPARE(sortedKeys(opener), (QStringList { QStringLiteral("command"), QStringLiteral("mode"), QStringLiteral("pid"),
                                                QStringLiteral("state"), QStringLiteral("tid"),
                                                QStringLiteral("waiting_ms") }));
    QCOMPARE(opener.value(QStringLiteral("pid")).toInteger(), qint64(sh));
    QCOMPARE(opener.value(QStringLiteral("mode")).toString(), QStringLiteral("w"));
    QCOMPARE(opener.value(QStringLiteral("state")).toString(), QStringLiteral("blocked-open"));
    QCOMPARE(opener.value(QStringLiteral("command")).toString(), QStringLiteral("sh -c exec echo hi > \"$0\" ") + path);
    const QJsonArray diagnostics = fifo.value(QStringLiteral("diagnostics")).toArray();
    QCOMPARE(diagnostics.size(), 1);
    QVERIFY(diagnostics[0].toObject().value(QStringLiteral("text")).toString().contains(u"in open() of FIFO"));
    QVERIFY(!fifoOf(listJson({})).isEmpty()); // listed without --pid too

    const QString text = QString::fromUtf8(list(onlySh).out);
    QVERIFY2(text.contains(QStringLiteral("FIFO %1 (inode ").arg(path)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("%1 open() w  blocked-open      sh -c").arg(sh, 7)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("warning: `sh` (pid %1) is blocked").arg(sh)), qPrintable(text));
}

void TestCliList::filters()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    // One process holding both ends: a self-pipe, hidden unless --all or --pid.
    const pid_t holder = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                        { { pipeRead, 3 }, { pipeWrite, 4 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_VERIFY_WITH_TIMEOUT(!pipeHeldBy(listJson({ QStringLiteral("--all") }), holder, 3).isEmpty(), 5000);
    QVERIFY(pipeHeldBy(listJson({}), holder, 3).isEmpty());
    QVERIFY(!pipeHeldBy(listJson({ QStringLiteral("--pid"), QString::number(holder) }), holder, 3).isEmpty());
    // --pid shows only that process's pipes.
    const QJsonArray pipes = listJson({ QStringLiteral("--pid"), QString::number(holder) })
                                     .value(QStringLiteral("pipes")).toArray();
    for (const QJsonValue &pipe : pipes)
        QVERIFY(!endpointOf(pipe.toObject(), holder).isEmpty());
}

void TestCliList::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown option") << QStringList { QStringLiteral("--bogus") };
    QTest::newRow("bad pid") << QStringList { QStringLiteral("--pid"), QStringLiteral("abc") };
    QTest::newRow("zero pid") << QStringList { QStringLiteral("--pid"), QStringLiteral("0") };
    QTest::newRow("argument") << QStringList { QStringLiteral("extra") };
}

void TestCliList::usageErrors()
{
    QFETCH(QStringList, arguments);
    const Result result = list(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.contains(u"Usage:"), qPrintable(result.err));
}

void TestCliList::unprivilegedView()
{
    if (::geteuid() != 0)
        QSKIP("needs root to start processes as nobody");
    if (!nobodyCanRun(QStringLiteral(PIPESCOPE_BINARY)))
        QSKIP("nobody cannot reach the built binary (a parent directory is not o+x)");
    ChildProcesses children;
    // A pipeline of nobody's: its sh creates the pipe, so nobody may reach it too.
    const pid_t sh = children.spawn({ QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"),
                                      QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                                      QStringLiteral("sh"), QStringLiteral("-c"),
                                      QStringLiteral("sleep 600 | sleep 601") },
                                    {}, true);
    pid_t reader = -1;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (pid_t pid : ChildProcesses::groupMembers(sh)) {
            if (scanSystem().commandOf(pid) == u"sleep 601")
                reader = pid;
        }
        return reader > 0;
    }(), 5000);
    const Result result = runAsNobody(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("list"), QStringLiteral("--json") });
    QCOMPARE(result.exitCode, 0);
    const QJsonObject root = QJsonDocument::fromJson(result.out).object();
    // Root's processes (this test, init...) cannot be read: counted, not listed.
    QVERIFY(root.value(QStringLiteral("processes_skipped")).toInt() > 0);
    const QJsonObject pipe = pipeHeldBy(root, reader, 0);
    QCOMPARE(pipe.value(QStringLiteral("queued")).toInt(), 0);
    QCOMPARE(pipe.value(QStringLiteral("capacity")).toInt(), 65536);
    QCOMPARE(pipe.value(QStringLiteral("endpoints")).toArray().size(), 2);
    for (const QJsonValue &value : root.value(QStringLiteral("pipes")).toArray()) {
        for (const QJsonValue &endpoint : value.toObject().value(QStringLiteral("endpoints")).toArray())
            QVERIFY(endpoint.toObject().value(QStringLiteral("pid")).toInteger() != ::getpid());
    }
    // The text view says why the rest is missing.
    const Result text = runAsNobody(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("list") });
    QVERIFY2(text.out.contains("not ours (needs the same user, or root / CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH)"),
             text.out.right(400).constData());
}

void TestCliList::unprivilegedSeesOwnFifoOpener()
{
    if (::geteuid() != 0)
        QSKIP("needs root to start processes as nobody");
    if (!nobodyCanRun(QStringLiteral(PIPESCOPE_BINARY)))
        QSKIP("nobody cannot reach the built binary (a parent directory is not o+x)");
    QTemporaryDir dir;
    QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::Permissions(0x7777)));
    const QString path = makeFifo(dir, QStringLiteral("f"), 0666);
    QVERIFY(!path.isEmpty());
    ChildProcesses children;
    const QStringList asNobody { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                 QStringLiteral("--clear-groups") };
    // nobody's shell waits to write the FIFO; nobody's pipescope reads its open() call (same
    // user: /proc/PID/syscall and mem are readable) and names the FIFO.
    const pid_t sh = children.spawnQuiet(QStringList { QStringLiteral("setpriv") } + asNobody + fifoWriterCommand(path));
    const auto openerPids = [&] {
        const Result result = runAsNobody(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("list"), QStringLiteral("--json") });
        QList<qint64> pids;
        for (const QJsonValue &pipe : QJsonDocument::fromJson(result.out).object().value(QStringLiteral("pipes")).toArray()) {
            if (pipe.toObject().value(QStringLiteral("path")).toString() != path)
                continue;
            for (const QJsonValue &opener : pipe.toObject().value(QStringLiteral("openers")).toArray())
                pids << opener.toObject().value(QStringLiteral("pid")).toInteger();
        }
        return pids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(openerPids(), QList<qint64> { sh }, 5000);
}

void TestCliList::insideAPidNamespaceGivesNoVerdict()
{
    // Issue 17 item 2: where /proc belongs to a PID namespace, `sleep` outside it holds the
    // write end of list's stdin, invisible from inside; list said "no writer left: readers get
    // EOF on their next read".
    if (::geteuid() != 0)
        QSKIP("unshare --pid needs root");
    // The writer is ours and lives until the test ends, however long list takes to start on a
    // loaded machine (a `sleep 5 | ...` writer could be gone before list looked).
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    QVERIFY(children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeWrite, 1 } }) > 0);
    Sys::close(pipeWrite);
    QProcess list;
    // QProcess opens the path in this process: the reopened read end of our pipe is list's stdin.
    list.setStandardInputFile(QStringLiteral("/proc/self/fd/%1").arg(pipeRead));
    list.start(QStringLiteral("unshare"), { QStringLiteral("--pid"), QStringLiteral("--fork"), QStringLiteral("--mount-proc"),
                                            QStringLiteral(PIPESCOPE_BINARY), QStringLiteral("list"), QStringLiteral("--all") });
    QVERIFY(list.waitForStarted());
    Sys::close(pipeRead);
    QVERIFY(list.waitForFinished(120000));
    const QString text = QString::fromLocal8Bit(list.readAllStandardOutput());
    QCOMPARE(list.exitCode(), 0);
    QVERIFY2(text.contains(QLatin1String("no writer visible here: ends may be held outside this container")),
             qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("no writer left")), qPrintable(text));
}

void TestCliList::missingPidIsAnError_data()
{
    // Issue 16: `list --pid N` said "0 pipes shown" and exited 0 where peek and stop said
    // "no process N" and exited 1. Every command that takes a PID now says the same.
    // 2147483647 is above any pid_max (at most 2^22), so it never names a process.
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("command");
    const QString pid = QStringLiteral("2147483647");
    QTest::newRow("list") << QStringList { QStringLiteral("list"), QStringLiteral("--pid"), pid } << QStringLiteral("list");
    QTest::newRow("list --json") << QStringList { QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--pid"), pid }
                                 << QStringLiteral("list");
    QTest::newRow("peek") << QStringList { QStringLiteral("peek"), pid + QStringLiteral(":0") } << QStringLiteral("peek");
    QTest::newRow("inspect") << QStringList { QStringLiteral("inspect"), pid + QStringLiteral(":0") } << QStringLiteral("inspect");
    QTest::newRow("stop") << QStringList { QStringLiteral("stop"), pid } << QStringLiteral("stop");
    QTest::newRow("cont") << QStringList { QStringLiteral("cont"), pid } << QStringLiteral("cont");
}

void TestCliList::missingPidIsAnError()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, command);
    const Result result = runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err, QStringLiteral("pipescope %1: no process 2147483647\n").arg(command));
    QVERIFY2(result.out.isEmpty(), result.out.constData());
}

QTEST_GUILESS_MAIN(TestCliList)
#include "tst_cli_list.moc"
