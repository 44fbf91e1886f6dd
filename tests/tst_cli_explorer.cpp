// `pipescope peek`, `stop`, `cont` and `watch` on real pipes and processes.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/sys.h>

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <sys/wait.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

using Result = CommandResult;

Result pipescope(const QStringList &arguments)
{
    return runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
}

/// A reader (`sleep 600`) holding a pipe with \a data queued; the test keeps the write end.
struct QueuedPipe
{
    QueuedPipe(ChildProcesses &children, const QByteArray &data)
    {
        const auto [readEnd, writeEnd] = makePipe();
        write.reset(writeEnd);
        reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
        Sys::close(readEnd);
        writeAll(write.get(), data);
    }
    Fd write;
    pid_t reader = -1;
};

/// Waits for the next complete line of \a process's stdout.
QByteArray nextLine(QProcess &process, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!process.canReadLine() && !deadline.hasExpired())
        process.waitForReadyRead(50);
    return process.canReadLine() ? process.readLine() : QByteArray();
}

} // namespace

class TestCliExplorer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peekRaw();
    void peekHex();
    void peekRefusals_data();
    void peekRefusals();
    void stopAndCont();
    void stopDryRunAndErrors();
    void watchJsonLines();
    void watchTextFramesAndSigint();
};

void TestCliExplorer::peekRaw()
{
    ChildProcesses children;
    const QByteArray data = randomBytes(20000, 5);
    QueuedPipe pipe(children, data);
    const Result result = pipescope({ QStringLiteral("peek"), QStringLiteral("%1:0").arg(pipe.reader),
                                      QStringLiteral("-n"), QStringLiteral("5000") });
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, data.left(5000));
    QCOMPARE(result.err, QStringLiteral("peeked 5000 of 20000 queued bytes (capacity 65536) without consuming them\n"));
    // Nothing was consumed: the whole queue is still there, and the default peek is 1024 bytes.
    QCOMPARE(pipescope({ QStringLiteral("peek"), QStringLiteral("%1:0").arg(pipe.reader) }).out, data.left(1024));
    const Fd check(Sys::open(QByteArray("/proc/" + QByteArray::number(pipe.reader) + "/fd/0").constData(),
                             O_RDONLY | O_NONBLOCK));
    QCOMPARE(Sys::queuedBytes(check.get()), 20000);
}

void TestCliExplorer::peekHex()
{
    ChildProcesses children;
    QueuedPipe pipe(children, QByteArray("hello, pipe\n\x01\xff tail", 19));
    const Result result = pipescope({ QStringLiteral("peek"), QStringLiteral("%1:0").arg(pipe.reader),
                                      QStringLiteral("--hex") });
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(QString::fromLatin1(result.out),
             QStringLiteral("00000000  68 65 6c 6c 6f 2c 20 70  69 70 65 0a 01 ff 20 74  |hello, pipe... t|\n"
                            "00000010  61 69 6c                                          |ail|\n"));
}

void TestCliExplorer::peekRefusals_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax") << QStringLiteral("12") << 2 << QStringLiteral("expected PID:FD");
    QTest::newRow("no such process") << QStringLiteral("999999999:0") << 1 << QStringLiteral("no process 999999999");
    QTest::newRow("not a pipe") << QStringLiteral("SELF_NULL") << 1 << QStringLiteral("is not a pipe (/dev/null)");
    QTest::newRow("nobody reads it") << QStringLiteral("WRITER") << 1
                                     << QStringLiteral("no process holds the read end of pipe");
}

void TestCliExplorer::peekRefusals()
{
    QFETCH(QString, spec);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const Fd devNull(Sys::open("/dev/null", O_RDONLY));
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                        { { writeEnd, 1 }, { devNull.get(), 0 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(writer, 1) != nullptr, 5000);
    spec.replace(QStringLiteral("SELF_NULL"), QStringLiteral("%1:0").arg(writer));
    spec.replace(QStringLiteral("WRITER"), QStringLiteral("%1:1").arg(writer));
    const Result result = pipescope({ QStringLiteral("peek"), spec });
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(result.out.isEmpty());
}

void TestCliExplorer::stopAndCont()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { readEnd, 0 }, { devNull.get(), 1 } });
    const pid_t writer = children.spawn({ QStringLiteral("yes") }, { { writeEnd, 1 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(reader, 0) != nullptr, 5000);
    const quint64 inode = scanSystem().pipeAt(reader, 0)->key.inode;

    const Result stop = pipescope({ QStringLiteral("stop"), QString::number(reader) });
    QCOMPARE(stop.exitCode, 0);
    const QString out = QString::fromUtf8(stop.out);
    QVERIFY2(out.startsWith(QStringLiteral("Stopping `cat` (pid %1) with SIGSTOP.\nWhile it is stopped, it\n").arg(reader)),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("  reads pipe %1 (fd 0, ").arg(inode)), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("written by `yes` (pid %1): its writers block once it is full\n").arg(writer)),
             qPrintable(out));
    QVERIFY2(out.endsWith(QStringLiteral("Stopped. Resume it with: pipescope cont %1\n").arg(reader)), qPrintable(out));
    QCOMPARE(processState(reader), 'T');
    // The effect it announced: the writer backs up behind the stopped reader.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::BlockedWrite, 5000);

    const Result cont = pipescope({ QStringLiteral("cont"), QString::number(reader) });
    QCOMPARE(cont.exitCode, 0);
    QVERIFY2(cont.out.startsWith(QStringLiteral("Resuming `cat` (pid %1) with SIGCONT.").arg(reader).toUtf8()),
             cont.out.constData());
    QVERIFY(cont.out.contains("the queued bytes drain again"));
    QVERIFY(cont.out.endsWith("Resumed.\n"));
    QVERIFY(processState(reader) != 'T');
    // cat drains the pipe again: its read end is not stopped any more and the pipe moves.
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(scanSystem(), reader, 0) != EndpointState::Stopped, 5000);
}

void TestCliExplorer::stopDryRunAndErrors()
{
    ChildProcesses children;
    QueuedPipe pipe(children, "abc");
    const Result dry = pipescope({ QStringLiteral("stop"), QStringLiteral("--dry-run"), QString::number(pipe.reader) });
    QCOMPARE(dry.exitCode, 0);
    QVERIFY(dry.out.contains("reads pipe"));
    QVERIFY(!dry.out.contains("Stopped."));
    QCOMPARE(processState(pipe.reader), 'S');
    QCOMPARE(pipescope({ QStringLiteral("stop"), QStringLiteral("999999999") }).exitCode, 1);
    QCOMPARE(pipescope({ QStringLiteral("stop") }).exitCode, 2);
    QCOMPARE(pipescope({ QStringLiteral("cont"), QStringLiteral("x") }).exitCode, 2);
}

void TestCliExplorer::watchJsonLines()
{
    ChildProcesses children;
    QueuedPipe pipe(children, "0123456789");
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(pipe.reader, 0) != nullptr, 5000);
    const quint64 inode = scanSystem().pipeAt(pipe.reader, 0)->key.inode;
    QProcess watch;
    watch.start(QStringLiteral(PIPESCOPE_BINARY),
                { QStringLiteral("watch"), QStringLiteral("--json"), QStringLiteral("--interval"), QStringLiteral("100"),
                  QStringLiteral("--pid"), QString::number(pipe.reader) });
    const auto nextEventFor = [&](const QString &event) {
        for (;;) {
            const QByteArray line = nextLine(watch);
            if (line.isEmpty())
                return QJsonObject();
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            const QJsonObject about = object.value(QStringLiteral("pipe")).toObject();
            if (quint64(about.value(QStringLiteral("inode")).toInteger()) == inode
                && object.value(QStringLiteral("event")).toString() == event)
                return object;
        }
    };
    QJsonObject added = nextEventFor(QStringLiteral("added"));
    QVERIFY(added.value(QStringLiteral("time")).toDouble() > 1e12);
    QCOMPARE(added.value(QStringLiteral("pipe")).toObject().value(QStringLiteral("queued")).toInt(), 10);
    // A change of fill level is reported on the next refresh.
    QVERIFY(writeAll(pipe.write.get(), QByteArray(90, 'x')));
    const QJsonObject changed = nextEventFor(QStringLiteral("changed"));
    QCOMPARE(changed.value(QStringLiteral("pipe")).toObject().value(QStringLiteral("queued")).toInt(), 100);
    // Issue 10: a rate field, bytes/s from the monitor's counters (null until a 1 s window passed).
    const QJsonValue rate = changed.value(QStringLiteral("pipe")).toObject().value(QStringLiteral("rate"));
    QVERIFY2(rate.isNull() || (rate.isDouble() && rate.toDouble() >= 0), QJsonDocument(changed).toJson().constData());
    QVERIFY(changed.value(QStringLiteral("pipe")).toObject().contains(QStringLiteral("rate")));
    // The pipe goes away with its last holders.
    pipe.write.close();
    children.killAll();
    QVERIFY(!nextEventFor(QStringLiteral("removed")).isEmpty());
    ::kill(pid_t(watch.processId()), SIGTERM);
    QVERIFY(watch.waitForFinished(5000));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

void TestCliExplorer::watchTextFramesAndSigint()
{
    const Result counted = pipescope({ QStringLiteral("watch"), QStringLiteral("--count"), QStringLiteral("3"),
                                       QStringLiteral("--interval"), QStringLiteral("50") });
    QCOMPARE(counted.exitCode, 0);
    QCOMPARE(counted.out.count("pipescope watch  "), 3);
    QVERIFY(!counted.out.contains("\x1b[2J")); // not a terminal: no screen control
    QCOMPARE(pipescope({ QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("1") }).exitCode, 2);

    QProcess watch;
    watch.start(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("100") });
    QVERIFY(!nextLine(watch).isEmpty());
    ::kill(pid_t(watch.processId()), SIGINT);
    QVERIFY(watch.waitForFinished(5000));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestCliExplorer)
#include "tst_cli_explorer.moc"
