// The explorer's pure /proc parsers and state rules, on checked-in fixtures (a fake /proc tree
// made by tests/fixtures/proc/make-tree.py, with awkward command names) and on inline text.
#include "testsupport.h"

#include <pipescope/endpointstates.h>
#include <pipescope/procparsers.h>
#include <pipescope/procscanner.h>

#include <QFile>
#include <QMap>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

using namespace PipeScope;

Q_DECLARE_METATYPE(PipeScope::WaitKind)
Q_DECLARE_METATYPE(PipeScope::EndpointState)
Q_DECLARE_METATYPE(PipeScope::ProcessInfo)

namespace {

QByteArray fixture(const QString &relative)
{
    QFile file(Test::fixturePath(QStringLiteral("proc/tree/") + relative));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

QString treeRoot()
{
    return Test::fixturePath(QStringLiteral("proc/tree"));
}

} // namespace

class TestProcParsers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stat_data();
    void stat();
    void statRejectsMalformed_data();
    void statRejectsMalformed();
    void cmdline_data();
    void cmdline();
    void commandLineFallsBackToComm();
    void wchan_data();
    void wchan();
    void syscall_data();
    void syscall();
    void waitedFd();
    void openCall();
    void fdInfo_data();
    void fdInfo();
    void fdTarget_data();
    void fdTarget();
    void modes();
    void taskWait_data();
    void taskWait();
    void stateOf_data();
    void stateOf();
    void scanFixtureTree();
    void scanFixtureStates();
    void scanFixtureFillLevelsAreUnreachable();
    void scanMissingRoot();
};

void TestProcParsers::stat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("comm");
    QTest::addColumn<char>("state");
    QTest::addColumn<qint64>("ppid");
    QTest::addColumn<qint64>("pgrp");
    QTest::addColumn<int>("threads");
    QTest::addColumn<quint64>("startTime");

    QTest::newRow("paren and space: a) b") << fixture(QStringLiteral("100/stat"))
                                           << QStringLiteral("a) b") << 'S' << qint64(1)
                                           << qint64(100) << 1 << quint64(5100);
    QTest::newRow("newline in comm") << fixture(QStringLiteral("101/stat"))
                                     << QStringLiteral("new\nline") << 'T' << qint64(100)
                                     << qint64(100) << 1 << quint64(5101);
    QTest::newRow("leading paren") << fixture(QStringLiteral("102/stat"))
                                   << QStringLiteral("(paren") << 'S' << qint64(1) << qint64(100)
                                   << 1 << quint64(5102);
    QTest::newRow("threads") << fixture(QStringLiteral("108/stat")) << QStringLiteral("thready")
                             << 'S' << qint64(1) << qint64(100) << 3 << quint64(5108);
    QTest::newRow("real sleep")
            << QByteArray("8168 (sleep) S 1 8164 4680 0 -1 4194304 117 0 0 0 0 0 0 0 20 0 1 0 "
                          "49979 2990080 412 18446744073709551615 94907440345088 0 0 0 0\n")
            << QStringLiteral("sleep") << 'S' << qint64(1) << qint64(8164) << 1 << quint64(49979);
    QTest::newRow("comm ) S 1 2 3 (a fake tail)")
            << QByteArray("77 () S 1 2 3) Z 5 6 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n")
            << QStringLiteral(") S 1 2 3") << 'Z' << qint64(5) << qint64(6) << 1 << quint64(99);
}

void TestProcParsers::stat()
{
    QFETCH(QByteArray, text);
    const std::optional<ProcStat> stat = ProcParsers::parseStat(text);
    QVERIFY(stat);
    QTEST(stat->comm, "comm");
    QTEST(stat->state, "state");
    QTEST(stat->ppid, "ppid");
    QTEST(stat->pgrp, "pgrp");
    QTEST(stat->threads, "threads");
    QTEST(stat->startTime, "startTime");
}

void TestProcParsers::statRejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no closing paren") << QByteArray("12 (cut");
    QTest::newRow("too few fields") << QByteArray("12 (x) S 1 2 3");
    QTest::newRow("no pid") << QByteArray("(x) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0");
    QTest::newRow("bad number") << QByteArray("12 (x) S one 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9");
}

void TestProcParsers::statRejectsMalformed()
{
    QFETCH(QByteArray, text);
    QVERIFY(!ProcParsers::parseStat(text));
}

void TestProcParsers::cmdline_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("spaces and newline") << fixture(QStringLiteral("101/cmdline"))
                                        << QStringList { QStringLiteral("reader with spaces"),
                                                         QStringLiteral("arg\nwith newline") };
    QTest::newRow("paren") << fixture(QStringLiteral("100/cmdline"))
                           << QStringList { QStringLiteral("writer"), QStringLiteral("--name"),
                                            QStringLiteral("a) b") };
    QTest::newRow("empty (kernel thread, zombie)") << QByteArray() << QStringList();
    QTest::newRow("setproctitle, no NUL") << QByteArray("postgres: writer process")
                                          << QStringList { QStringLiteral("postgres: writer process") };
    QTest::newRow("empty argument") << QByteArray("a\0\0b\0", 5)
                                    << QStringList { QStringLiteral("a"), QString(),
                                                     QStringLiteral("b") };
}

void TestProcParsers::cmdline()
{
    QFETCH(QByteArray, text);
    QTEST(ProcParsers::parseCmdline(text), "arguments");
}

void TestProcParsers::commandLineFallsBackToComm()
{
    QCOMPARE(ProcParsers::commandLine({}, QStringLiteral("(paren")), QStringLiteral("[(paren]"));
    QCOMPARE(ProcParsers::commandLine({ QStringLiteral("sleep"), QStringLiteral("600") },
                                      QStringLiteral("sleep")),
             QStringLiteral("sleep 600"));
}

void TestProcParsers::wchan_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("name");
    QTest::addColumn<WaitKind>("kind");
    QTest::newRow("6.x write") << fixture(QStringLiteral("100/wchan"))
                               << QStringLiteral("anon_pipe_write") << WaitKind::PipeWrite;
    QTest::newRow("6.x read") << fixture(QStringLiteral("102/wchan"))
                              << QStringLiteral("anon_pipe_read") << WaitKind::PipeRead;
    QTest::newRow("hidden") << fixture(QStringLiteral("107/wchan")) << QString() << WaitKind::None;
    QTest::newRow("old read") << QByteArray("pipe_read") << QStringLiteral("pipe_read")
                              << WaitKind::PipeRead;
    QTest::newRow("old write") << QByteArray("pipe_write\n") << QStringLiteral("pipe_write")
                               << WaitKind::PipeWrite;
    QTest::newRow("5.x readable") << QByteArray("pipe_wait_readable")
                                  << QStringLiteral("pipe_wait_readable") << WaitKind::PipeRead;
    QTest::newRow("5.x writable") << QByteArray("pipe_wait_writable")
                                  << QStringLiteral("pipe_wait_writable") << WaitKind::PipeWrite;
    QTest::newRow("4.x either") << QByteArray("pipe_wait") << QStringLiteral("pipe_wait")
                                << WaitKind::PipeEither;
    QTest::newRow("fifo open") << QByteArray("wait_for_partner")
                               << QStringLiteral("wait_for_partner") << WaitKind::FifoOpen;
    QTest::newRow("poll") << QByteArray("poll_schedule_timeout.constprop.0")
                          << QStringLiteral("poll_schedule_timeout.constprop.0") << WaitKind::Poll;
    QTest::newRow("sleep") << fixture(QStringLiteral("106/wchan"))
                           << QStringLiteral("hrtimer_nanosleep") << WaitKind::Other;
}

void TestProcParsers::wchan()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, name);
    QCOMPARE(ProcParsers::parseWchan(text), name);
    QTEST(ProcParsers::classifyWchan(name), "kind");
}

void TestProcParsers::syscall_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("status");
    QTest::addColumn<long>("number");
    QTest::addColumn<quint64>("firstArg");
    QTest::newRow("write fd 1") << fixture(QStringLiteral("100/syscall")) << true
                                << int(SyscallInfo::Status::InSyscall) << long(SYS_write)
                                << quint64(1);
    QTest::newRow("read fd 4") << fixture(QStringLiteral("107/syscall")) << true
                               << int(SyscallInfo::Status::InSyscall) << long(SYS_read)
                               << quint64(4);
    QTest::newRow("running") << QByteArray("running\n") << true
                             << int(SyscallInfo::Status::Running) << -1L << quint64(0);
    QTest::newRow("not in a syscall") << QByteArray("-1 0x7ffd8a3c1f28 0x7f3b2c914503\n") << true
                                      << int(SyscallInfo::Status::NotInSyscall) << -1L << quint64(0);
    QTest::newRow("garbage") << QByteArray("nope") << false << 0 << 0L << quint64(0);
    QTest::newRow("truncated") << QByteArray("0 0x3 0x4") << false << 0 << 0L << quint64(0);
    QTest::newRow("bad hex") << QByteArray("0 0xzz 0 0 0 0 0 0 0") << false << 0 << 0L << quint64(0);
}

void TestProcParsers::syscall()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    const std::optional<SyscallInfo> info = ProcParsers::parseSyscall(text);
    QCOMPARE(bool(info), valid);
    if (!valid)
        return;
    QTEST(int(info->status), "status");
    QTEST(info->number, "number");
    QTEST(info->args[0], "firstArg");
}

void TestProcParsers::waitedFd()
{
    const auto write = ProcParsers::parseSyscall(fixture(QStringLiteral("100/syscall")));
    QVERIFY(write);
    QCOMPARE(ProcParsers::syscallDirection(*write), WaitKind::PipeWrite);
    QCOMPARE(ProcParsers::waitedFd(*write, WaitKind::PipeWrite), 1);
    const QByteArray spliceText = QByteArray::number(qlonglong(SYS_splice))
            + " 0x3 0x0 0x7 0x0 0x10000 0x0 0x1 0x2";
    const auto splice = ProcParsers::parseSyscall(spliceText);
    QVERIFY(splice);
    QCOMPARE(ProcParsers::waitedFd(*splice, WaitKind::PipeRead), 3);
    QCOMPARE(ProcParsers::waitedFd(*splice, WaitKind::PipeWrite), 7);
    const auto sleep = ProcParsers::parseSyscall(fixture(QStringLiteral("106/syscall")));
    QVERIFY(sleep);
    QCOMPARE(ProcParsers::waitedFd(*sleep, WaitKind::PipeRead), -1);
    QCOMPARE(ProcParsers::syscallDirection(*sleep), WaitKind::PipeEither);
    const QByteArray openText = QByteArray::number(qlonglong(SYS_openat))
            + " 0xffffff9c 0x5581 0x1 0x0 0x0 0x0 0x1 0x2";
    const auto open = ProcParsers::parseSyscall(openText);
    QVERIFY(open && ProcParsers::isOpenCall(*open));
    QVERIFY(!ProcParsers::isOpenCall(*write));
}

void TestProcParsers::openCall()
{
    const auto parsed = [](long number, const char *args) {
        return ProcParsers::parseSyscall(QByteArray::number(qlonglong(number)) + ' ' + args);
    };
    // openat(AT_FDCWD, path, O_WRONLY), AT_FDCWD as /proc shows it (docs/kernel-behaviour.md §6)
    auto call = ProcParsers::openCall(*parsed(SYS_openat, "0xffffff9c 0x5581 0x1 0x0 0x0 0x0 0x1 0x2"));
    QVERIFY(call);
    QCOMPARE(call->dirFd, AT_FDCWD);
    QCOMPARE(call->pathAddress, quint64(0x5581));
    QCOMPARE(call->flags.value_or(-1), O_WRONLY);
    call = ProcParsers::openCall(*parsed(SYS_openat, "0x7 0x6000 0x80000 0x0 0x0 0x0 0x1 0x2"));
    QVERIFY(call);
    QCOMPARE(call->dirFd, 7);
    QCOMPARE(call->flags.value_or(-1), O_RDONLY | O_CLOEXEC);
#ifdef SYS_open
    call = ProcParsers::openCall(*parsed(SYS_open, "0x4000 0x241 0x1b6 0x0 0x0 0x0 0x1 0x2"));
    QVERIFY(call);
    QCOMPARE(call->dirFd, AT_FDCWD);
    QCOMPARE(call->pathAddress, quint64(0x4000));
    QCOMPARE(call->flags.value_or(-1), 0x241);
#endif
#ifdef SYS_openat2
    // openat2(dirfd, path, &how, size): the flags are in memory, at how.
    call = ProcParsers::openCall(*parsed(SYS_openat2, "0x3 0x5000 0x7ffd0 0x18 0x0 0x0 0x1 0x2"));
    QVERIFY(call);
    QCOMPARE(call->dirFd, 3);
    QVERIFY(!call->flags);
    QCOMPARE(call->howAddress, quint64(0x7ffd0));
#endif
    QVERIFY(!ProcParsers::openCall(*parsed(SYS_write, "0x1 0x5000 0x10 0x0 0x0 0x0 0x1 0x2")));
    QVERIFY(!ProcParsers::openCall(*ProcParsers::parseSyscall("running")));
}

void TestProcParsers::fdInfo_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("flags");
    QTest::addColumn<qint64>("inode"); // -1: no ino line
    QTest::newRow("read end") << fixture(QStringLiteral("101/fdinfo/0")) << true << 0
                              << qint64(5001);
    QTest::newRow("write end, cloexec nonblock") << fixture(QStringLiteral("102/fdinfo/7")) << true
                                                 << (O_CLOEXEC | O_NONBLOCK | O_WRONLY)
                                                 << qint64(5004);
    QTest::newRow("before 5.14: no ino") << QByteArray("pos:\t0\nflags:\t0100001\nmnt_id:\t27\n")
                                         << true << 0100001 << qint64(-1);
    QTest::newRow("no flags") << QByteArray("pos:\t0\n") << false << 0 << qint64(-1);
}

void TestProcParsers::fdInfo()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(qint64, inode);
    const std::optional<FdInfo> info = ProcParsers::parseFdInfo(text);
    QCOMPARE(bool(info), valid);
    if (!valid)
        return;
    QTEST(info->flags, "flags");
    QCOMPARE(info->inode.has_value(), inode >= 0);
    if (inode >= 0)
        QCOMPARE(qint64(*info->inode), inode);
}

void TestProcParsers::fdTarget_data()
{
    QTest::addColumn<QByteArray>("link");
    QTest::addColumn<int>("kind");
    QTest::addColumn<quint64>("inode");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("deleted");
    const int pipe = int(FdTarget::Kind::Pipe), path = int(FdTarget::Kind::Path),
              other = int(FdTarget::Kind::Other);
    QTest::newRow("pipe") << QByteArray("pipe:[253376]") << pipe << quint64(253376) << QString()
                          << false;
    QTest::newRow("fifo") << QByteArray("/tmp/my fifo") << path << quint64(0)
                          << QStringLiteral("/tmp/my fifo") << false;
    QTest::newRow("deleted fifo") << QByteArray("/tmp/a) b (deleted)") << path << quint64(0)
                                  << QStringLiteral("/tmp/a) b") << true;
    QTest::newRow("socket") << QByteArray("socket:[777]") << other << quint64(0) << QString()
                            << false;
    QTest::newRow("anon inode") << QByteArray("anon_inode:[eventfd]") << other << quint64(0)
                                << QString() << false;
    QTest::newRow("bad pipe") << QByteArray("pipe:[abc]") << other << quint64(0) << QString()
                              << false;
    QTest::newRow("relative (fixtures)") << QByteArray("../fifo") << path << quint64(0)
                                         << QStringLiteral("../fifo") << false;
}

void TestProcParsers::fdTarget()
{
    QFETCH(QByteArray, link);
    const FdTarget target = ProcParsers::parseFdTarget(link);
    QTEST(int(target.kind), "kind");
    QTEST(target.inode, "inode");
    QTEST(target.path, "path");
    QTEST(target.deleted, "deleted");
}

void TestProcParsers::modes()
{
    QCOMPARE(ProcParsers::modeFromFlags(0), EndpointMode::Read);
    QCOMPARE(ProcParsers::modeFromFlags(O_WRONLY | O_NONBLOCK | 0100000), EndpointMode::Write);
    QCOMPARE(ProcParsers::modeFromFlags(O_RDWR), EndpointMode::ReadWrite);
    QCOMPARE(ProcParsers::modeFromLinkPermissions(S_IFLNK | 0500), EndpointMode::Read);
    QCOMPARE(ProcParsers::modeFromLinkPermissions(S_IFLNK | 0300), EndpointMode::Write);
    QCOMPARE(ProcParsers::modeFromLinkPermissions(S_IFLNK | 0700), EndpointMode::ReadWrite);
    QVERIFY(!ProcParsers::modeFromLinkPermissions(S_IFLNK | 0777));
    QCOMPARE(endpointModeName(EndpointMode::ReadWrite), QStringLiteral("rw"));
}

void TestProcParsers::taskWait_data()
{
    QTest::addColumn<char>("state");
    QTest::addColumn<QString>("wchan");
    QTest::addColumn<QByteArray>("syscall");
    QTest::addColumn<WaitKind>("kind");
    QTest::addColumn<int>("fd");
    QTest::addColumn<bool>("inferred");
    const QByteArray read5 = QByteArray::number(qlonglong(SYS_read)) + " 0x5 0x1 0x10 0 0 0 0 0";
    const QByteArray write4 = QByteArray::number(qlonglong(SYS_write)) + " 0x4 0x1 0x10 0 0 0 0 0";
    QTest::newRow("read, fd from syscall")
            << 'S' << QStringLiteral("anon_pipe_read") << read5 << WaitKind::PipeRead << 5 << false;
    QTest::newRow("syscall hidden") << 'S' << QStringLiteral("anon_pipe_write") << QByteArray()
                                    << WaitKind::PipeWrite << -1 << false;
    QTest::newRow("pipe_wait decided by write()") << 'S' << QStringLiteral("pipe_wait") << write4
                                                  << WaitKind::PipeWrite << 4 << false;
    QTest::newRow("wchan hidden, syscall read") << 'S' << QString() << read5 << WaitKind::PipeRead
                                                << 5 << true;
    QTest::newRow("running") << 'R' << QString() << QByteArray("running") << WaitKind::None << -1
                             << false;
    QTest::newRow("stopped") << 'T' << QStringLiteral("do_signal_stop") << read5 << WaitKind::None
                             << -1 << false;
    QTest::newRow("fifo open") << 'S' << QStringLiteral("wait_for_partner") << QByteArray()
                               << WaitKind::FifoOpen << -1 << false;
    QTest::newRow("sleep") << 'S' << QStringLiteral("hrtimer_nanosleep") << QByteArray()
                           << WaitKind::Other << -1 << false;
}

void TestProcParsers::taskWait()
{
    QFETCH(char, state);
    QFETCH(QString, wchan);
    QFETCH(QByteArray, syscall);
    const ThreadWait wait = EndpointStates::taskWait(
            42, state, wchan, syscall.isEmpty() ? std::nullopt : ProcParsers::parseSyscall(syscall));
    QCOMPARE(wait.tid, qint64(42));
    QTEST(wait.kind, "kind");
    QTEST(wait.fd, "fd");
    QTEST(wait.inferred, "inferred");
}

namespace {

ProcessInfo processWith(char state, QList<ThreadWait> waits, int threads = 1)
{
    ProcessInfo process;
    process.pid = 7;
    process.statKnown = true;
    process.runState = state;
    process.pipeWaits = waits;
    process.threads = threads;
    return process;
}

PipeEndpoint endpoint(int fd, EndpointMode mode)
{
    PipeEndpoint result;
    result.pid = 7;
    result.fd = fd;
    result.mode = mode;
    return result;
}

} // namespace

void TestProcParsers::stateOf_data()
{
    QTest::addColumn<ProcessInfo>("process");
    QTest::addColumn<int>("fd");
    QTest::addColumn<EndpointState>("state");
    const ThreadWait readOn0 { 7, WaitKind::PipeRead, 0, false };
    const ThreadWait readUnknown { 7, WaitKind::PipeRead, -1, false };
    const ThreadWait writeOn1 { 7, WaitKind::PipeWrite, 1, false };
    const ThreadWait inferredTty { 7, WaitKind::PipeRead, 9, true }; // fd 9 is no pipe end
    QTest::newRow("blocked read on fd 0") << processWith('S', { readOn0 }) << 0
                                          << EndpointState::BlockedRead;
    QTest::newRow("its other end: elsewhere") << processWith('S', { readOn0 }) << 1
                                              << EndpointState::BlockedElsewhere;
    QTest::newRow("multi-threaded: not elsewhere") << processWith('S', { readOn0 }, 4) << 1
                                                   << EndpointState::Sleeping;
    QTest::newRow("fd unknown, one read end") << processWith('S', { readUnknown }) << 0
                                              << EndpointState::BlockedRead;
    QTest::newRow("blocked write") << processWith('S', { writeOn1 }) << 1
                                   << EndpointState::BlockedWrite;
    QTest::newRow("stopped wins") << processWith('T', { writeOn1 }) << 1 << EndpointState::Stopped;
    QTest::newRow("zombie") << processWith('Z', {}) << 0 << EndpointState::Zombie;
    QTest::newRow("running") << processWith('R', {}) << 0 << EndpointState::Running;
    QTest::newRow("sleeping") << processWith('S', {}) << 0 << EndpointState::Sleeping;
    QTest::newRow("inferred wait on a non-pipe fd ignored") << processWith('S', { inferredTty })
                                                            << 0 << EndpointState::Sleeping;
    QTest::newRow("fifo open") << processWith('S', { { 7, WaitKind::FifoOpen, -1, false } }) << 0
                               << EndpointState::BlockedOpen;
    ProcessInfo unknown;
    QTest::newRow("no stat") << unknown << 0 << EndpointState::Unknown;
}

void TestProcParsers::stateOf()
{
    QFETCH(ProcessInfo, process);
    QFETCH(int, fd);
    const QList<PipeEndpoint> endpoints { endpoint(0, EndpointMode::Read),
                                          endpoint(1, EndpointMode::Write) };
    const PipeEndpoint self = fd == 0 ? endpoints[0] : endpoints[1];
    QTEST(EndpointStates::stateOf(process, self, endpoints), "state");
}

namespace {

QString describeEndpoints(const PipeInfo &pipe)
{
    QStringList parts;
    for (const PipeEndpoint &endpoint : pipe.endpoints)
        parts << QStringLiteral("%1:%2%3").arg(endpoint.pid).arg(endpoint.fd).arg(endpointModeName(endpoint.mode));
    return parts.join(u' ');
}

} // namespace

void TestProcParsers::scanFixtureTree()
{
    const SystemSnapshot snapshot = ProcScanner(treeRoot()).scan();
    QStringList pipes;
    for (const PipeInfo &pipe : snapshot.pipes)
        pipes << QStringLiteral("%1=%2").arg(pipe.key.inode).arg(describeEndpoints(pipe));
    // Sorted by the first holder's pid; 103 vanished, so its end of 5001 is not listed.
    QCOMPARE(pipes, (QStringList { QStringLiteral("5001=100:1w 101:0r"),
                                   QStringLiteral("5002=101:1w 102:0r"),
                                   QStringLiteral("5004=102:6r 102:7w"),
                                   QStringLiteral("5003=105:3w"),
                                   QStringLiteral("5007=105:10w 107:4r"),
                                   QStringLiteral("5005=106:0r"),
                                   QStringLiteral("5006=106:3r 108:9w") }));
    // fd tables read: 100 101 102 105 106 107 108 (103's was read, but it had no stat);
    // skipped: 103 (exited after its fds were listed) and 104 (no fd directory).
    QCOMPARE(snapshot.processesScanned, 7);
    QCOMPARE(snapshot.processesSkipped, 2);
    QCOMPARE(snapshot.skipped.size(), 2);
    for (const SkippedProcess &skipped : snapshot.skipped) {
        QVERIFY2(skipped.pid == 103 || skipped.pid == 104, qPrintable(QString::number(skipped.pid)));
        QCOMPARE(skipped.error.code(), ENOENT);
        QCOMPARE(skipped.error.message(), QStringLiteral("exited during the scan"));
    }
    QCOMPARE(snapshot.fdsScanned, qint64(17));
    QCOMPARE(snapshot.processes.size(), 7);
    QCOMPARE(snapshot.commandOf(100), QStringLiteral("writer --name a) b"));
    QCOMPARE(snapshot.commandOf(101), QStringLiteral("reader with spaces arg\nwith newline"));
    QCOMPARE(snapshot.commandOf(102), QStringLiteral("[(paren]"));
    QCOMPARE(snapshot.commandOf(105), QStringLiteral("sp ace"));
    QCOMPARE(snapshot.commandOf(106), QStringLiteral("sleep 600"));
    QCOMPARE(snapshot.process(101)->comm, QStringLiteral("new\nline"));
    QCOMPARE(snapshot.process(100)->comm, QStringLiteral("a) b"));
    QCOMPARE(snapshot.process(105)->pgrp, qint64(105));
    QCOMPARE(snapshot.process(101)->ppid, qint64(100));
}

void TestProcParsers::scanFixtureStates()
{
    const SystemSnapshot snapshot = ProcScanner(treeRoot()).scan();
    QMap<QString, QString> states;
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            states.insert(QStringLiteral("%1:%2").arg(endpoint.pid).arg(endpoint.fd),
                          endpointStateName(endpoint.state));
        }
    }
    const QMap<QString, QString> expected {
        { QStringLiteral("100:1"), QStringLiteral("blocked-write") },
        { QStringLiteral("101:0"), QStringLiteral("stopped") },
        { QStringLiteral("101:1"), QStringLiteral("stopped") },
        { QStringLiteral("102:0"), QStringLiteral("blocked-read") },
        { QStringLiteral("102:6"), QStringLiteral("blocked-elsewhere") },
        { QStringLiteral("102:7"), QStringLiteral("blocked-elsewhere") },
        { QStringLiteral("105:3"), QStringLiteral("running") },
        { QStringLiteral("105:10"), QStringLiteral("running") },
        { QStringLiteral("106:0"), QStringLiteral("sleeping") },
        { QStringLiteral("106:3"), QStringLiteral("sleeping") },
        { QStringLiteral("107:4"), QStringLiteral("blocked-read") }, // wchan hidden: syscall alone
        { QStringLiteral("108:9"), QStringLiteral("blocked-write") }, // thread 1081
    };
    QCOMPARE(states, expected);
    QCOMPARE(snapshot.process(106)->wchan, QStringLiteral("hrtimer_nanosleep"));
    const QList<ThreadWait> waits = snapshot.process(108)->pipeWaits;
    QCOMPARE(waits.size(), 1);
    QCOMPARE(waits[0].tid, qint64(1081));
    QCOMPARE(waits[0].fd, 9);

    // Without states, endpoints and commands are still there; states stay unknown.
    ScanOptions endpointsOnly;
    endpointsOnly.states = false;
    endpointsOnly.fillLevels = false;
    const SystemSnapshot bare = ProcScanner(treeRoot()).scan(endpointsOnly);
    QCOMPARE(bare.pipes.size(), snapshot.pipes.size());
    QCOMPARE(bare.pipes[0].endpoints[0].state, EndpointState::Unknown);
    QCOMPARE(bare.commandOf(100), QStringLiteral("writer --name a) b"));
}

void TestProcParsers::scanFixtureFillLevelsAreUnreachable()
{
    // The fixture's links lead nowhere, so no pipe can be reached; each says why.
    const SystemSnapshot snapshot = ProcScanner(treeRoot()).scan();
    for (const PipeInfo &pipe : snapshot.pipes) {
        QVERIFY(!pipe.queued);
        QVERIFY(!pipe.capacity);
        QVERIFY(!pipe.unreachableReason.isEmpty());
    }
    const PipeInfo *writeOnly = snapshot.pipe({ PipeKind::Pipe, 0, 5003 });
    QVERIFY(writeOnly);
    QVERIFY2(writeOnly->unreachableReason.startsWith(u"no process holds the read end"),
             qPrintable(writeOnly->unreachableReason));
    const PipeInfo *stopped = snapshot.pipe({ PipeKind::Pipe, 0, 5001 });
    QVERIFY2(stopped->unreachableReason.contains(u"101"), qPrintable(stopped->unreachableReason));
}

void TestProcParsers::scanMissingRoot()
{
    QTest::ignoreMessage(QtWarningMsg,
                         "open /nonexistent/proc: No such file or directory");
    const SystemSnapshot snapshot = ProcScanner(QStringLiteral("/nonexistent/proc")).scan();
    QVERIFY(snapshot.pipes.isEmpty());
    QCOMPARE(snapshot.processesScanned, 0);
}

QTEST_GUILESS_MAIN(TestProcParsers)
#include "tst_procparsers.moc"
