// Regression tests for what the libFuzzer harnesses in tests/fuzz/ found, one test per
// finding, named after the harness and the saved input (tests/fuzz/corpus/<harness>/crash-*),
// so they run in the normal suite without clang.
#include <pipescope/pipediagnostics.h>
#include <pipescope/pipelinesplitter.h>
#include <pipescope/procparsers.h>
#include <pipescope/snapshotformat.h>

#include <QProcess>
#include <QTest>

using namespace PipeScope;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void syscall_fdAboveIntMaxIsNoFd_crash3ddb7429();
    void syscall_fdArgumentUsesItsLow32Bits();
    void snapshotjson_percentInFifoPathShownAsIs_crashc5eb8fb5();
    void snapshotjson_percentInProcessNameShownAsIs();
    void pipeline_escapedTrailingBlankIsKept_crashbad38233();
    void io_twoRcharLinesAreNoWchar_duplicateRchar();
    void pipeline_commentRightAfterAPipe_crashd7d4a8d6();
    void pipeline_backslashInsideSingleQuotesIsLiteral_crash124d3d2d();
    void pipeline_braceAtTheEndIsAWord_crash617fc8f8();
    void io_valueWithANulIsNoNumber_crash1ce55784();
};

// "1 0x0xffffff9c ...": write() on fd 0xffffff9c (AT_FDCWD's bits) gave waitedFd() -100, a
// negative fd the scanner then looked up. The kernel takes fds as unsigned int, so a value
// above INT_MAX is no fd at all.
void TestFuzzRegressions::syscall_fdAboveIntMaxIsNoFd_crash3ddb7429()
{
    const std::optional<SyscallInfo> info =
            ProcParsers::parseSyscall("1 0xffffff9c 0x700f0 0x1 0x0 0x0 0x0 0x7ffd 0x7f00\n");
    QVERIFY(info);
    QCOMPARE(info->status, SyscallInfo::Status::InSyscall);
    QCOMPARE(ProcParsers::waitedFd(*info, WaitKind::PipeWrite), -1);
    const std::optional<SyscallInfo> splice =
            ProcParsers::parseSyscall("275 0x3 0x0 0x80000000 0x0 0x10000 0x0 0x7ffd 0x7f00\n");
    QVERIFY(splice);
    QCOMPARE(ProcParsers::waitedFd(*splice, WaitKind::PipeRead), 3);
    QCOMPARE(ProcParsers::waitedFd(*splice, WaitKind::PipeWrite), -1);
}

// The kernel truncates an fd argument to 32 bits: write(0x100000004, ...) writes to fd 4.
void TestFuzzRegressions::syscall_fdArgumentUsesItsLow32Bits()
{
    const std::optional<SyscallInfo> info =
            ProcParsers::parseSyscall("0 0x100000004 0x700f0 0x1 0x0 0x0 0x0 0x7ffd 0x7f00\n");
    QVERIFY(info);
    QCOMPARE(ProcParsers::waitedFd(*info, WaitKind::PipeRead), 4);
}

// A FIFO named "/tmp/u+%u+%2" was shown as "/tmp/u+%u+<inode> (inode %3)": a second
// QString::arg() call replaced the "%2" inside the path.
void TestFuzzRegressions::snapshotjson_percentInFifoPathShownAsIs_crashc5eb8fb5()
{
    PipeInfo pipe;
    pipe.key.kind = PipeKind::Fifo;
    pipe.key.inode = 812;
    pipe.path = QStringLiteral("/tmp/u+%u+%2");
    QCOMPARE(SnapshotFormat::pipeTitle(pipe), QStringLiteral("FIFO /tmp/u+%u+%2 (inode 812)"));
    pipe.deleted = true;
    pipe.path = QStringLiteral("/tmp/%1");
    QCOMPARE(SnapshotFormat::pipeTitle(pipe), QStringLiteral("FIFO /tmp/%1 (deleted) (inode 812)"));
}

// The same class of finding in the diagnostics: a process named "w%1" became "w10" and left
// "(pid %2)" in the text.
void TestFuzzRegressions::snapshotjson_percentInProcessNameShownAsIs()
{
    SystemSnapshot snapshot;
    for (qint64 pid : { 10, 11 }) {
        ProcessInfo process;
        process.pid = pid;
        process.comm = pid == 10 ? QStringLiteral("w%1") : QStringLiteral("v%2%3");
        process.command = QStringLiteral("[%1]").arg(process.comm);
        snapshot.processes.insert(pid, process);
    }
    PipeInfo pipe;
    pipe.key.inode = 5;
    pipe.capacity = 65536;
    pipe.queued = 0;
    for (qint64 pid : { 10, 11 }) {
        PipeEndpoint writer;
        writer.pid = pid;
        writer.fd = 1;
        writer.mode = EndpointMode::Write;
        writer.state = EndpointState::Running;
        pipe.endpoints << writer;
    }
    snapshot.pipes << pipe;
    QCOMPARE(PipeDiagnostics::processName(snapshot, 10), QStringLiteral("`w%1` (pid 10)"));
    const QList<Diagnostic> diagnostics = PipeDiagnostics::analyze(snapshot);
    bool found = false;
    for (const Diagnostic &diagnostic : diagnostics) {
        if (diagnostic.kind != Diagnostic::Kind::MultipleWriters)
            continue;
        found = true;
        QVERIFY2(diagnostic.text.startsWith(
                         QStringLiteral("2 processes hold the write end (`w%1` (pid 10), "
                                        "`v%2%3` (pid 11)): writes larger than 4096 bytes")),
                 qPrintable(diagnostic.text));
    }
    QVERIFY(found);
}

// "echo a \ | cat": the stage was trimmed to "echo a \", losing the escaped blank that is
// echo's second argument; /bin/sh then ran `exec echo a \` and printed a backslash instead.
void TestFuzzRegressions::pipeline_escapedTrailingBlankIsKept_crashbad38233()
{
    const SplitPipeline split = PipelineSplitter::split(QStringLiteral("echo a \\ | cat"));
    QVERIFY2(split.ok(), qPrintable(split.error.message()));
    QCOMPARE(split.stages, (QStringList { QStringLiteral("echo a \\ "), QStringLiteral("cat") }));
    // What the stage runs is what the shell would run for the whole pipeline's first stage.
    QProcess shell;
    shell.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), PipelineSplitter::shellScript(split.stages.first()) });
    QVERIFY(shell.waitForFinished(30000));
    QCOMPARE(shell.readAllStandardOutput(), QByteArray("a  \n"));
    // An unescaped blank before the | still goes; two backslashes are one literal backslash.
    QCOMPARE(PipelineSplitter::split(QStringLiteral("echo a\\\\  | cat")).stages.first(), QStringLiteral("echo a\\\\"));
}

// "rchar: 5\nrchar: 6\n": parseIo counted found lines, not keys, and accepted a file without
// a wchar line (wchar 0: the meter would have seen a stage that writes nothing).
void TestFuzzRegressions::io_twoRcharLinesAreNoWchar_duplicateRchar()
{
    QVERIFY(!ProcParsers::parseIo("rchar: 5\nrchar: 6\nsyscr: 1\n"));
    QVERIFY(!ProcParsers::parseIo("wchar: 5\nwchar: 6\n"));
    const std::optional<ProcIo> io = ProcParsers::parseIo("rchar: 5\nwchar: 7\nrchar: 6\n");
    QVERIFY(io);
    QCOMPARE(io->rchar, quint64(6));
    QCOMPARE(io->wchar, quint64(7));
}

// "e… | b… |#/c": a `#` right after `|` was taken as part of a word, so the splitter gave a
// stage "#/c" that /bin/sh reads as a comment (and that splits to an error on its own). A
// token starts after any unescaped operator character, as in sh(1).
void TestFuzzRegressions::pipeline_commentRightAfterAPipe_crashd7d4a8d6()
{
    for (const char *pipeline : { "a | b |#/c", "a;#x | b", "a &#x | b", "a >#x | b", "a\\ #x | b" }) {
        const SplitPipeline split = PipelineSplitter::split(QString::fromLatin1(pipeline));
        const bool comment = split.error.message().contains(QStringLiteral("comment"));
        // Only an unescaped blank or operator starts the comment: in `a\ #x` the # is in the word.
        QCOMPARE(comment, QByteArray(pipeline) != "a\\ #x | b");
    }
    QCOMPARE(PipelineSplitter::split(QStringLiteral("echo a\\|#x | cat")).stages,
             (QStringList { QStringLiteral("echo a\\|#x"), QStringLiteral("cat") }));
    QCOMPARE(PipelineSplitter::split(QStringLiteral("echo $(echo a)#x | cat")).stages,
             (QStringList { QStringLiteral("echo $(echo a)#x"), QStringLiteral("cat") }));
    QCOMPARE(PipelineSplitter::split(QStringLiteral("a |{b | c")).stages,
             (QStringList { QStringLiteral("a"), QStringLiteral("{b"), QStringLiteral("c") }));
}

// `a || b | \` quoted the sh way, 'a || b | \': the splitter took the backslash inside single
// quotes as an escape of the closing quote and refused the pipeline as unterminated. Inside
// single quotes no character is special but the closing quote (sh(1)).
void TestFuzzRegressions::pipeline_backslashInsideSingleQuotesIsLiteral_crash124d3d2d()
{
    const SplitPipeline split = PipelineSplitter::split(QStringLiteral("echo 'a || b | \\' | cat"));
    QVERIFY2(split.ok(), qPrintable(split.error.message()));
    QCOMPARE(split.stages, (QStringList { QStringLiteral("echo 'a || b | \\'"), QStringLiteral("cat") }));
    // Outside single quotes a backslash still escapes: \' is a literal quote, no string.
    QCOMPARE(PipelineSplitter::split(QStringLiteral("echo \\' | cat")).stages,
             (QStringList { QStringLiteral("echo \\'"), QStringLiteral("cat") }));
    QVERIFY(PipelineSplitter::split(QStringLiteral("echo \"a\\\" | cat")).error.message().startsWith(QStringLiteral("unterminated")));
}

// "…;{|a …": a `{` right before `|` was a word in the pipeline but, as the last character of
// its stage split again, opened a group ("unterminated }"). A `{` opens a group only with a
// blank after it.
void TestFuzzRegressions::pipeline_braceAtTheEndIsAWord_crash617fc8f8()
{
    const SplitPipeline split = PipelineSplitter::split(QStringLiteral("echo x;{| cat"));
    QCOMPARE(split.stages, (QStringList { QStringLiteral("echo x;{"), QStringLiteral("cat") }));
    QCOMPARE(PipelineSplitter::split(split.stages.first()).stages, QStringList { split.stages.first() });
    QCOMPARE(PipelineSplitter::split(QStringLiteral("{ a | b; } | c")).stages,
             (QStringList { QStringLiteral("{ a | b; }"), QStringLiteral("c") }));
}

// "wchar: 184467\0r: cw: 2": QByteArray::toULongLong() stops at a NUL, so the line was read as
// wchar 184467. A counter is plain digits that fit 64 bits, nothing after them.
void TestFuzzRegressions::io_valueWithANulIsNoNumber_crash1ce55784()
{
    QVERIFY(!ProcParsers::parseIo(QByteArray("rchar: 1\nwchar: 184467\0r: cw: 2\n", 32)));
    QVERIFY(!ProcParsers::parseIo("rchar: +1\nwchar: 2\n"));
    QVERIFY(!ProcParsers::parseIo("rchar: 1\nwchar: 18446744073709551616\n")); // 2^64
    QCOMPARE(ProcParsers::parseIo("rchar: 1\nwchar: 18446744073709551615\n")->wchar, quint64(18446744073709551615ULL));
    QVERIFY(!ProcParsers::parseSchedstat(QByteArray("12\0x 34 5\n", 10)));
    QVERIFY(!ProcParsers::parseSchedstat("-1 2 3\n"));
    QCOMPARE(ProcParsers::parseSchedstat("12 34 5\n")->waitNs, quint64(34));
}

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
