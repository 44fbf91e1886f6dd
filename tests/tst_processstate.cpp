// ProcessState: the one reading of /proc/PID/stat, wchan, syscall and status. On the checked-in
// fixture tree (awkward names, hidden wchan) and on live children in every state it tells
// apart: running, blocked reading and writing a pipe, waiting for a FIFO partner, stopped,
// zombie, and a program whose name holds ") (".
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/processstate.h>
#include <pipescope/sys.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

using Activity = ProcessState::Activity;
Q_DECLARE_METATYPE(PipeScope::ProcessState::Activity)

namespace {

QString treeRoot()
{
    return fixturePath(QStringLiteral("proc/tree"));
}

Activity activityOf(pid_t pid)
{
    return ProcessState::read(pid).activity();
}

} // namespace

class TestProcessState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixture_data();
    void fixture();
    void fixtureMissingStat();
    void parseTolerantTail();
    void goneProcess();
    void ownStatus();
    void liveRunning();
    void liveBlockedReading();
    void liveBlockedWriting();
    void liveWaitingForPartner();
    void liveStoppedAndContinued();
    void liveZombie();
    void liveAwkwardName();
};

void TestProcessState::fixture_data()
{
    QTest::addColumn<qint64>("pid");
    QTest::addColumn<QString>("name");
    QTest::addColumn<char>("state");
    QTest::addColumn<Activity>("activity");
    QTest::addColumn<int>("waitedFd");
    QTest::addColumn<QString>("text");
    QTest::newRow("writer blocked, a) b") << qint64(100) << QStringLiteral("a) b") << 'S'
                                          << Activity::BlockedWriting << 1
                                          << QStringLiteral("blocked writing: its output pipe is full");
    QTest::newRow("stopped, newline in name") << qint64(101) << QStringLiteral("new\nline") << 'T'
                                              << Activity::Stopped << -1 << QStringLiteral("stopped");
    QTest::newRow("reader blocked, (paren") << qint64(102) << QStringLiteral("(paren") << 'S'
                                            << Activity::BlockedReading << 0
                                            << QStringLiteral("blocked reading: its input pipe is empty");
    QTest::newRow("running") << qint64(105) << QStringLiteral("sp ace") << 'R' << Activity::Running << -1
                             << QStringLiteral("running");
    QTest::newRow("asleep elsewhere") << qint64(106) << QStringLiteral("sleepy") << 'S' << Activity::Sleeping
                                      << -1 << QStringLiteral("sleeping in hrtimer_nanosleep");
    // wchan "0" (another user's process): the syscall still names read(4), but a read may be
    // on a socket, so the process is only "sleeping", with the fd known.
    QTest::newRow("hidden wchan") << qint64(107) << QStringLiteral("hidden") << 'S' << Activity::Sleeping << 4
                                  << QStringLiteral("sleeping");
}

void TestProcessState::fixture()
{
    QFETCH(qint64, pid);
    const ProcessState state = ProcessState::read(pid, treeRoot());
    QVERIFY2(state.isValid(), qPrintable(state.error().message()));
    QCOMPARE(state.error().code(), 0);
    QCOMPARE(state.pid(), pid);
    QTEST(state.name(), "name");
    QTEST(state.state(), "state");
    QTEST(state.activity(), "activity");
    QTEST(state.waitedFd(), "waitedFd");
    QTEST(state.text(), "text");
}

void TestProcessState::fixtureMissingStat()
{
    // 104 has only a comm file: no stat, so nothing is known, and the error names the file.
    const ProcessState state = ProcessState::read(104, treeRoot());
    QVERIFY(!state.isValid());
    QCOMPARE(state.activity(), Activity::Unknown);
    QCOMPARE(state.error().code(), ENOENT);
    QCOMPARE(state.error().message(), QStringLiteral("read %1/104/stat: No such file or directory").arg(treeRoot()));
}

void TestProcessState::parseTolerantTail()
{
    // Hand-written stat lines may stop after the state letter; old kernels' pipe_wait names no
    // direction until the syscall does.
    QCOMPARE(ProcessState::parse("9 (cat) S 1", "pipe_wait").activity(), Activity::Sleeping);
    const QByteArray writeCall("1 0x1 0x55d06e1a3000 0x10000 0x0 0x0 0x0 0x7ffd 0x7f3b");
    QCOMPARE(ProcessState::parse("9 (cat) S 1", "pipe_wait", writeCall).activity(), Activity::BlockedWriting);
    QCOMPARE(ProcessState::parse("9 (cat) D", "wait_for_partner").activity(), Activity::WaitingForPartner);
    QCOMPARE(ProcessState::parse("9 (cat) Z", "0").activity(), Activity::Zombie);
    const ProcessState cut = ProcessState::parse("9 (cat)", {});
    QVERIFY(!cut.isValid());
    QCOMPARE(cut.error().code(), EINVAL);
    QCOMPARE(cut.activity(), Activity::Unknown);
    QCOMPARE(ProcessState::parse("9 (cat) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 7 0 99", {}).stat().threads, 7);
}

void TestProcessState::goneProcess()
{
    const ProcessState state = ProcessState::read(999999999);
    QVERIFY(!state.isValid());
    QCOMPARE(state.error().code(), ENOENT);
    QCOMPARE(state.error().message(), QStringLiteral("read /proc/999999999/stat: No such file or directory"));
    QCOMPARE(state.state(), char(0));
}

void TestProcessState::ownStatus()
{
    const ProcessState self = ProcessState::read(::getpid());
    QVERIFY(self.isValid());
    QCOMPARE(self.activity(), Activity::Running); // we are the one reading it
    QCOMPARE(self.uid(), std::optional<uint>(::getuid()));
    QVERIFY(!ProcessState::read(::getpid(), QStringLiteral("/proc"), ProcessState::Files::Waits).uid());
}

void TestProcessState::liveRunning()
{
    ChildProcesses children;
    const pid_t spinner = children.spawnQuiet({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("while :; do :; done") });
    QVERIFY(spinner > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(spinner), Activity::Running, 5000);
    QCOMPARE(ProcessState::read(spinner).state(), 'R');
}

void TestProcessState::liveBlockedReading()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const Fd writer(writeEnd);
    const pid_t cat = children.spawn({ QStringLiteral("cat") }, { { readEnd, 0 } });
    Sys::close(readEnd);
    QVERIFY(cat > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(cat), Activity::BlockedReading, 5000);
    const ProcessState state = ProcessState::read(cat);
    QCOMPARE(state.waitedFd(), 0);
    QVERIFY(state.syscall());
    QVERIFY2(state.wchan().endsWith(QLatin1String("pipe_read")), qPrintable(state.wchan()));
    QVERIFY(state.isBlockedOnPipe());
    QCOMPARE(state.stat().ppid, qint64(::getpid()));
}

void TestProcessState::liveBlockedWriting()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const Fd reader(readEnd); // held, never read: the pipe fills and `yes` blocks
    const pid_t yes = children.spawn({ QStringLiteral("yes") }, { { writeEnd, 1 } });
    Sys::close(writeEnd);
    QVERIFY(yes > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(yes), Activity::BlockedWriting, 5000);
    QCOMPARE(ProcessState::read(yes).waitedFd(), 1);
    QCOMPARE(queued(reader.get()), 65536);
}

void TestProcessState::liveWaitingForPartner()
{
    ChildProcesses children;
    QTemporaryDir dir;
    const QString path = makeFifo(dir, QStringLiteral("f"));
    QVERIFY(!path.isEmpty());
    const pid_t sh = children.spawn(fifoWriterCommand(path));
    QVERIFY(sh > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(sh), Activity::WaitingForPartner, 5000);
    QCOMPARE(ProcessState::read(sh).text(), QStringLiteral("blocked opening a FIFO: waiting for the other side"));
}

void TestProcessState::liveStoppedAndContinued()
{
    ChildProcesses children;
    const pid_t sleeper = children.spawnQuiet({ QStringLiteral("sleep"), QStringLiteral("600") });
    QVERIFY(sleeper > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(sleeper), Activity::Sleeping, 5000);
    QCOMPARE(::kill(sleeper, SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(sleeper), Activity::Stopped, 5000);
    QVERIFY(ProcessState::read(sleeper).isStopped());
    QCOMPARE(::kill(sleeper, SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(sleeper), Activity::Sleeping, 5000);
}

void TestProcessState::liveZombie()
{
    ChildProcesses children;
    const pid_t done = children.spawnQuiet({ QStringLiteral("true") });
    QVERIFY(done > 0);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(done), Activity::Zombie, 5000); // not reaped yet
    QCOMPARE(ProcessState::read(done).text(), QStringLiteral("exited (not reaped yet)"));
    QVERIFY(children.waitExit(done, 5000) >= 0);
    QCOMPARE(activityOf(done), Activity::Unknown); // reaped: gone from /proc
}

void TestProcessState::liveAwkwardName()
{
    // The kernel takes comm from the executable's file name: a link named "a) (b" gives a stat
    // line "PID (a) (b) S ...", which only a parse from the last ')' reads right.
    QTemporaryDir dir;
    const QString link = dir.filePath(QStringLiteral("a) (b"));
    QVERIFY(QFile::link(QStringLiteral("/bin/sleep"), link));
    ChildProcesses children;
    const pid_t sleeper = children.spawnQuiet({ link, QStringLiteral("600") });
    QVERIFY(sleeper > 0);
    QTRY_COMPARE_WITH_TIMEOUT(ProcessState::read(sleeper).name(), QStringLiteral("a) (b"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(sleeper), Activity::Sleeping, 5000); // the fields after ')' too
    const ProcessState state = ProcessState::read(sleeper);
    QCOMPARE(state.name(), QStringLiteral("a) (b"));
    QCOMPARE(state.state(), 'S');
    QCOMPARE(state.stat().ppid, qint64(::getpid()));
}

QTEST_GUILESS_MAIN(TestProcessState)
#include "tst_processstate.moc"
