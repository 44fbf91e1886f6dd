// `pipescope inspect` run as a real process against real pipes held by a helper child.
#include "explorertestsupport.h"
#include "gatedreader.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/sys.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace PipeScope;
using PipeScope::Test::GatedReader;
using PipeScope::Test::readerLine;

namespace {

using Result = Test::CommandResult;

Result inspect(const QStringList &arguments)
{
    return Test::runCommand(QStringLiteral(PIPESCOPE_BINARY), QStringList{ QStringLiteral("inspect") } + arguments);
}

/// `pipescope inspect` as nobody, through setpriv.
Result inspectAsNobody(const QStringList &arguments)
{
    return Test::runAsNobody(QStringLiteral(PIPESCOPE_BINARY), QStringList{ QStringLiteral("inspect") } + arguments);
}

} // namespace

class TestCliInspect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void help()
    {
        const Result result = inspect({ QStringLiteral("--help") });
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.text().startsWith(QLatin1String("Usage: pipescope inspect")),
                 qPrintable(result.text()));
        for (const char *option : { "--json", "--peek", "--hex", "--set-capacity" })
            QVERIFY2(result.text().contains(QLatin1String(option)), option);
        QVERIFY(result.err.isEmpty());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option") << QStringList{ QStringLiteral("--bogus"), QStringLiteral("0") }
                                        << QStringLiteral("Unknown option 'bogus'");
        QTest::newRow("no pipe") << QStringList{}
                                 << QStringLiteral("expected exactly one PIPE");
        QTest::newRow("two pipes") << QStringList{ QStringLiteral("0"), QStringLiteral("1") }
                                   << QStringLiteral("expected exactly one PIPE");
        QTest::newRow("bad spec") << QStringList{ QStringLiteral("12:") }
                                  << QStringLiteral("bad pipe '12:'");
        QTest::newRow("bad peek") << QStringList{ QStringLiteral("0"), QStringLiteral("--peek"),
                                                  QStringLiteral("lots") }
                                  << QStringLiteral("--peek needs a byte count from 0 to 2147483647 (K and M allowed), got 'lots'");
        QTest::newRow("hex without peek") << QStringList{ QStringLiteral("0"), QStringLiteral("--hex") }
                                          << QStringLiteral("--hex only applies to --peek");
        QTest::newRow("bad capacity") << QStringList{ QStringLiteral("0"),
                                                      QStringLiteral("--set-capacity"),
                                                      QStringLiteral("-5") }
                                      << QStringLiteral("--set-capacity needs a byte count");
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = inspect(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(result.err.contains(QLatin1String("Usage: pipescope inspect")), qPrintable(result.err));
        QVERIFY(result.text().isEmpty());
    }

    void failures_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no such process") << QStringList{ QStringLiteral("2147483647:0") }
                                         << QStringLiteral("pipescope inspect: no process 2147483647\n");
        QTest::newRow("not a FIFO") << QStringList{ QStringLiteral("/") }
                                    << QStringLiteral("pipescope inspect: / is not a FIFO (directory)\n");
        QTest::newRow("missing FIFO") << QStringList{ QStringLiteral("/nonexistent/fifo") }
                                      << QStringLiteral("pipescope inspect: open /nonexistent/fifo: "
                                                        "No such file or directory\n");
        // Above any pid_max (2^22), so no process of that number gets a PID:FD hint.
        QTest::newRow("closed fd") << QStringList{ QStringLiteral("2147483647") }
                                   << QStringLiteral("pipescope inspect: fstat fd 2147483647: Bad file "
                                                     "descriptor\n");
    }

    void failures()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = inspect(arguments);
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(result.err, message);
        QVERIFY(result.text().isEmpty());
    }

    /// issue 16: "inspect 812" with no fd 812 but a process 812 hints PID:FD.
    void fdThatIsAPidHintsPidFd()
    {
        Test::ChildProcesses children;
        const pid_t sleeper = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, {});
        QVERIFY(sleeper > 0);
        const Result result = inspect({ QString::number(sleeper) });
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(result.err, QStringLiteral("pipescope inspect: fstat fd %1: Bad file descriptor (pipescope has "
                                            "no fd %1, but process %1 exists: for one of its fds write PID:FD, "
                                            "e.g. %1:1)\n").arg(sleeper));
        QVERIFY(result.text().isEmpty());
    }

    void childPipeJson()
    {
        const auto [readEnd, writeEnd] = Test::makePipe();
        Fd read(readEnd);
        Fd write(writeEnd);
        const QByteArray data = QByteArray("hello\npipe\t\x01") + Test::randomBytes(20000 - 12, 3);
        QVERIFY(Test::writeAll(write.get(), data));
        GatedReader reader(read.get());
        QVERIFY(reader.isRunning());
        read.close();
        struct stat status = {};
        QCOMPARE(Sys::fstat(write.get(), &status), 0);
        const QString spec = QStringLiteral("%1:0").arg(reader.pid());

        const Result result = inspect({ spec, QStringLiteral("--json"), QStringLiteral("--peek"),
                                        QStringLiteral("12"), QStringLiteral("--set-capacity"),
                                        QStringLiteral("100000") });
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
        QJsonParseError parseError;
        const QJsonObject json = QJsonDocument::fromJson(result.text().toUtf8(), &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(result.text()));
        QCOMPARE(json.value(QStringLiteral("pipe")).toString(),
                 QStringLiteral("/proc/%1/fd/0").arg(reader.pid()));
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("pipe"));
        QCOMPARE(json.value(QStringLiteral("inode")).toDouble(), double(status.st_ino));
        QCOMPARE(json.value(QStringLiteral("queued")).toInt(), 20000);
        QCOMPARE(json.value(QStringLiteral("capacitySet")).toInt(), 131072);
        QCOMPARE(json.value(QStringLiteral("capacity")).toInt(), 131072);
        QCOMPARE(json.value(QStringLiteral("slots")).toInt(), 32);
        QCOMPARE(json.value(QStringLiteral("slotsUsedAtLeast")).toInt(), 5);
        QCOMPARE(json.value(QStringLiteral("fillPercent")).toDouble(), 100.0 * 20000 / 131072);
        const QJsonObject peek = json.value(QStringLiteral("peek")).toObject();
        QCOMPARE(peek.value(QStringLiteral("bytes")).toInt(), 12);
        QCOMPARE(peek.value(QStringLiteral("text")).toString(), QStringLiteral("hello\\npipe\\t\\x01"));
        QCOMPARE(QByteArray::fromBase64(peek.value(QStringLiteral("base64")).toString().toLatin1()),
                 data.left(12));

        write.close();
        QCOMPARE(reader.finish(), readerLine(data));
    }

    void childPipeText()
    {
        const auto [readEnd, writeEnd] = Test::makePipe();
        Fd read(readEnd);
        Fd write(writeEnd);
        QVERIFY(Test::writeAll(write.get(), "abc\ndef\\"));
        GatedReader reader(read.get());
        QVERIFY(reader.isRunning());
        read.close();
        const QString spec = QStringLiteral("%1:0").arg(reader.pid());

        const Result text = inspect({ spec, QStringLiteral("--peek"), QStringLiteral("100") });
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.text().contains(QLatin1String("queued      8 bytes\n")), qPrintable(text.text()));
        QVERIFY(text.text().contains(QLatin1String("capacity    65536 bytes (16 page slots of 4096)\n")));
        QVERIFY(text.text().contains(QLatin1String("kind        anonymous pipe\n")));
        QVERIFY(text.text().contains(QLatin1String("slots used  at least 1 of 16")));
        QVERIFY(text.text().contains(QLatin1String("peek        first 8 of 8 queued bytes")));
        QVERIFY2(text.text().endsWith(QLatin1String("  abc\\n\n  def\\\\\n")), qPrintable(text.text()));

        const Result hex = inspect({ spec, QStringLiteral("--peek"), QStringLiteral("4"),
                                     QStringLiteral("--hex") });
        QCOMPARE(hex.exitCode, 0);
        QVERIFY2(hex.text().endsWith(QLatin1String(
                         "  00000000  61 62 63 0a                                       |abc.|\n")),
                 qPrintable(hex.text()));

        const Result refused = inspect({ spec, QStringLiteral("--set-capacity"), QStringLiteral("2M") });
        if (refused.exitCode == 0)
            QSKIP("this process may exceed pipe-max-size (CAP_SYS_RESOURCE)");
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QLatin1String("Operation not permitted: 2097152 bytes is above "
                                                    "/proc/sys/fs/pipe-max-size")),
                 qPrintable(refused.err));
        write.close();
        QCOMPARE(reader.finish(), readerLine("abc\ndef\\"));
    }

    void fifoPath()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
        Fd writer(Sys::open(QFile::encodeName(path).constData(), O_WRONLY));
        QVERIFY(Test::writeAll(writer.get(), "fifo bytes"));
        const Result result = inspect({ path, QStringLiteral("--json") });
        QCOMPARE(result.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(result.text().toUtf8()).object();
        // Read through our own read end, found in /proc: the FIFO is not opened by its path.
        QVERIFY2(json.value(QStringLiteral("pipe")).toString().startsWith(QStringLiteral("/proc/%1/fd/").arg(::getpid())),
                 qPrintable(json.value(QStringLiteral("pipe")).toString()));
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("fifo"));
        QCOMPARE(json.value(QStringLiteral("fifoPath")).toString(), path);
        QCOMPARE(json.value(QStringLiteral("queued")).toInt(), 10);
        QCOMPARE(Test::queued(reader.get()), 10);
    }

    void fifoWithBlockedWriterIsNotOpened()
    {
        QTemporaryDir dir;
        const QString path = Test::makeFifo(dir, QStringLiteral("f"));
        QVERIFY(!path.isEmpty());
        Test::ChildProcesses children;
        const pid_t sh = children.spawnQuiet(Test::fifoWriterCommand(path));
        const auto wchanOf = [](pid_t pid) {
            QFile file(QStringLiteral("/proc/%1/wchan").arg(pid));
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QTRY_COMPARE_WITH_TIMEOUT(wchanOf(sh), QByteArray("wait_for_partner"), 5000);
        // No reader: inspect refuses to open the FIFO, and says whom it would affect.
        const Result result = inspect({ path });
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.text().isEmpty());
        QVERIFY2(result.err.contains(QStringLiteral("%1: no process we can see holds its read end").arg(path)),
                 qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("`sh` (pid %1) is blocked in open() to write it").arg(sh)),
                 qPrintable(result.err));
        QVERIFY2(result.err.contains(QLatin1String("--open-anyway")), qPrintable(result.err));
        // The writer still waits, and its line is whole for the reader that comes.
        QCOMPARE(wchanOf(sh), QByteArray("wait_for_partner"));
        Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
        QVERIFY(reader);
        QCOMPARE(Sys::fcntl(reader.get(), F_SETFL, 0), 0);
        QCOMPARE(Test::readAll(reader.get()), QByteArray("hi\n"));
    }

    void fifoOpenAnyway()
    {
        QTemporaryDir dir;
        const QString path = Test::makeFifo(dir, QStringLiteral("g"));
        QVERIFY(!path.isEmpty());
        const Result refused = inspect({ path });
        QCOMPARE(refused.exitCode, 1);
        // Even root may not inspect some process (another user namespace's init): then nobody
        // we can see is not nobody (issue 17 item 7).
        const bool hidden = refused.err.contains(QLatin1String("processes we may not inspect"));
        QVERIFY2(refused.err.contains(hidden ? QLatin1String("we cannot see who has it open, nor whether it holds bytes")
                                             : QLatin1String("nobody has it open, so it holds no bytes")),
                 qPrintable(refused.err));
        const Result opened = inspect({ path, QStringLiteral("--open-anyway"), QStringLiteral("--json") });
        QCOMPARE(opened.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(opened.text().toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("pipe")).toString(), path);
        QCOMPARE(json.value(QStringLiteral("queued")).toInt(), 0);
        const Result misused = inspect({ QStringLiteral("0"), QStringLiteral("--open-anyway") });
        QCOMPARE(misused.exitCode, 2);
        QVERIFY2(misused.err.contains(QLatin1String("--open-anyway applies to PID:FD and FIFO paths")), qPrintable(misused.err));
    }

    void writeEndIsReadThroughItsReader()
    {
        // `sleep` writes (holds) a pipe that `sleep` reads: asking for the writer's fd 1 reads
        // the pipe through the reader's fd 0, so no reader is added that the writer could notice.
        Test::ChildProcesses children;
        const auto [readEnd, writeEnd] = Test::makePipe();
        const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { writeEnd, 1 } });
        const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
        Sys::close(readEnd);
        Sys::close(writeEnd);
        const QString spec = QStringLiteral("%1:1").arg(writer);
        Result result;
        QTRY_COMPARE_WITH_TIMEOUT((result = inspect({ spec, QStringLiteral("--json") })).exitCode, 0, 5000);
        const QJsonObject json = QJsonDocument::fromJson(result.text().toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("pipe")).toString(), QStringLiteral("/proc/%1/fd/0").arg(reader));
        QCOMPARE(json.value(QStringLiteral("queued")).toInt(), 0);

        // Once the reader is gone, the writer's next write gets EPIPE; inspect keeps it so.
        ::kill(reader, SIGKILL);
        QVERIFY(children.waitExit(reader, 5000) >= 0);
        const Result refused = inspect({ spec });
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("/proc/%1/fd/1: no process we can see holds its read end").arg(writer)),
                 qPrintable(refused.err));
        QVERIFY2(refused.err.contains(QStringLiteral("`sleep` (pid %1) holds its write end: while we held a read "
                                                     "end its writes would not fail with EPIPE").arg(writer)),
                 qPrintable(refused.err));
        const Result forced = inspect({ spec, QStringLiteral("--open-anyway") });
        QCOMPARE(forced.exitCode, 0);
        QVERIFY2(forced.text().contains(QLatin1String("queued      0 bytes")), qPrintable(forced.text()));
    }

    void permissionDeniedAsNobody()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to run the CLI as nobody against a root-owned process");
        if (!Test::nobodyCanRun(QStringLiteral(PIPESCOPE_BINARY)))
            QSKIP("nobody cannot reach the built binary (a parent directory is not o+x)");
        const auto [readEnd, writeEnd] = Test::makePipe();
        Fd read(readEnd);
        Fd write(writeEnd);
        QVERIFY(Test::writeAll(write.get(), "secret"));
        GatedReader reader(read.get());
        QVERIFY(reader.isRunning());
        read.close();
        const Result result = inspectAsNobody({ QStringLiteral("%1:0").arg(reader.pid()),
                                                QStringLiteral("--peek"), QStringLiteral("6") });
        QCOMPARE(result.exitCode, 1);
        QCOMPARE(result.err, QStringLiteral("pipescope inspect: stat /proc/%1/fd/0: Permission "
                                            "denied (needs the same user and a pipe that user "
                                            "created, or CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH)\n")
                                     .arg(reader.pid()));
        QVERIFY(!result.text().contains(QLatin1String("secret")));
        write.close();
        QCOMPARE(reader.finish(), readerLine("secret"));
    }

    void aReaderWeMayNotSeeIsNotCalledNobody()
    {
        // Issue 17 item 7: as nobody, on root's FIFO read by a root process with 15 bytes
        // queued, inspect said "nobody has it open, so it holds no bytes".
        if (::geteuid() != 0)
            QSKIP("needs root to run the CLI as nobody against a root-owned process");
        if (!Test::nobodyCanRun(QStringLiteral(PIPESCOPE_BINARY)))
            QSKIP("nobody cannot reach the built binary (a parent directory is not o+x)");
        QTemporaryDir dir;
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0755) == 0);
        const QString path = dir.filePath(QStringLiteral("root.fifo"));
        QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0644) == 0);
        Fd read(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
        Fd write(Sys::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK));
        QVERIFY(read.isValid() && write.isValid());
        QVERIFY(Test::writeAll(write.get(), "fifteen bytes!\n"));
        write.close();
        GatedReader reader(read.get()); // a root process holds the read end, bytes queued
        QVERIFY(reader.isRunning());
        read.close();
        const Result result = inspectAsNobody({ path });
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QLatin1String("we cannot see who has it open, nor whether it holds bytes")),
                 qPrintable(result.err));
        QVERIFY2(!result.err.contains(QLatin1String("holds no bytes")), qPrintable(result.err));
        QCOMPARE(reader.finish(), readerLine("fifteen bytes!\n"));
    }
};

QTEST_GUILESS_MAIN(TestCliInspect)
#include "tst_cli_inspect.moc"
