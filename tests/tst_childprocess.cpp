// ChildProcess's stream modes (issue 14): each of stdin, stdout and stderr as a pipe we hold,
// inherited, /dev/null or (stderr) merged into stdout; stdin from an fd of ours; fds passed at
// their numbers. Real children, asserted by their bytes and by their /proc/PID/fd links.
#include "testsupport.h"

#include <pipescope/childprocess.h>
#include <pipescope/fd.h>
#include <pipescope/sys.h>

#include <QTemporaryFile>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

class TestChildProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsArePipesAndInheritedStderr();
    void stderrAsItsOwnPipe();
    void stderrMergedIntoStdout();
    void nullStreams();
    void stdinFromAnFdOfOurs();
    void passedFdsKeepTheirNumbers();
    void refusals_data();
    void refusals();
};

namespace {

const QString OutAndErr = QStringLiteral("echo out; echo err >&2; echo out2");

/// The child's fds while it sleeps: links by fd number ("null", "pipe:[812]").
QMap<int, QString> linksOfSleeper(ChildProcess &child)
{
    QMap<int, QString> links;
    for (int attempt = 0; attempt < 500; ++attempt) {
        // Until sleep sleeps: after exec the loader still opens (and closes) its libraries.
        QFile wchan(QStringLiteral("/proc/%1/wchan").arg(child.pid()));
        if (wchan.open(QIODevice::ReadOnly) && wchan.readAll().contains("nanosleep"))
            return fdLinks(child.pid());
        QTest::qWait(10);
    }
    return links;
}

} // namespace

void TestChildProcess::defaultsArePipesAndInheritedStderr()
{
    ChildProcess child;
    QVERIFY2(child.startShell(QStringLiteral("cat")), qPrintable(child.errorString()));
    QVERIFY(child.stdinFd() >= 0);
    QVERIFY(child.stdoutFd() >= 0);
    QCOMPARE(child.stderrFd(), -1);
    Fd in(child.takeStdinFd()), out(child.takeStdoutFd());
    QVERIFY(writeAll(in.get(), "through cat\n"));
    in.close();
    QCOMPARE(readAll(out.get()), QByteArray("through cat\n"));
}

void TestChildProcess::stderrAsItsOwnPipe()
{
    ChildProcess child;
    child.setStderrMode(ChildProcess::Stream::Pipe);
    QVERIFY2(child.startShell(OutAndErr), qPrintable(child.errorString()));
    QVERIFY(child.stderrFd() >= 0);
    Fd out(child.takeStdoutFd()), err(child.takeStderrFd());
    QCOMPARE(child.stderrFd(), -1);
    QCOMPARE(readAll(out.get()), QByteArray("out\nout2\n"));
    QCOMPARE(readAll(err.get()), QByteArray("err\n"));
}

void TestChildProcess::stderrMergedIntoStdout()
{
    ChildProcess child;
    child.setStderrMode(ChildProcess::Stream::MergeWithStdout);
    QVERIFY2(child.startShell(OutAndErr), qPrintable(child.errorString()));
    QCOMPARE(child.stderrFd(), -1);
    Fd out(child.takeStdoutFd());
    // One pipe, one writer at a time: the lines in the order they were written.
    QCOMPARE(readAll(out.get()), QByteArray("out\nerr\nout2\n"));
}

void TestChildProcess::nullStreams()
{
    {
        ChildProcess child;
        child.setStdinMode(ChildProcess::Stream::Null);
        QVERIFY(child.startShell(QStringLiteral("wc -c")));
        QCOMPARE(child.stdinFd(), -1);
        Fd out(child.takeStdoutFd());
        QCOMPARE(readAll(out.get()).trimmed(), QByteArray("0")); // EOF at once
    }
    ChildProcess child;
    child.setStdinMode(ChildProcess::Stream::Null);
    child.setStdoutMode(ChildProcess::Stream::Null);
    child.setStderrMode(ChildProcess::Stream::Null);
    QVERIFY(child.start(QStringLiteral("sleep"), { QStringLiteral("30") }));
    QCOMPARE(child.stdoutFd(), -1);
    const QMap<int, QString> links = linksOfSleeper(child);
    QCOMPARE(links.keys(), QList<int>({ 0, 1, 2 }));
    for (const QString &link : links)
        QCOMPARE(link, QStringLiteral("null"));
}

void TestChildProcess::stdinFromAnFdOfOurs()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const QByteArray content = randomBytes(300000, 14);
    QCOMPARE(file.write(content), qint64(content.size()));
    file.flush();
    Fd input(Sys::open(QFile::encodeName(file.fileName()).constData(), O_RDONLY));
    QVERIFY(input);
    ChildProcess child;
    child.setStdinFd(input.get());
    QVERIFY2(child.startShell(QStringLiteral("cat")), qPrintable(child.errorString()));
    QCOMPARE(child.stdinFd(), -1);
    Fd out(child.takeStdoutFd());
    QCOMPARE(sha256(readAll(out.get())), sha256(content));
    QVERIFY(!isClosedFd(input.get())); // ours stays ours
}

void TestChildProcess::passedFdsKeepTheirNumbers()
{
    auto [readEnd, writeEnd] = makePipe(); // O_CLOEXEC, as every fd of ours
    Fd reader(readEnd), writer(writeEnd);
    {
        ChildProcess child;
        child.setPassFds({ writer.get() });
        QVERIFY2(child.startShell(QStringLiteral("echo passed >&%1").arg(writer.get())),
                 qPrintable(child.errorString()));
        writer.close(); // the child's copy is the last write end: EOF when it exits
        QCOMPARE(readAll(reader.get()), QByteArray("passed\n"));
    }
    // Only what was passed: an fd leaked without O_CLOEXEC is still closed in the child.
    const auto [keptRead, keptWrite] = makePipe();
    const auto [leakedRead, leakedWrite] = makePipe();
    Fd kept(keptWrite), keptReader(keptRead), leaked(leakedWrite), leakedReader(leakedRead);
    QCOMPARE(::fcntl(leaked.get(), F_SETFD, 0), 0);
    ChildProcess child;
    child.setStdoutMode(ChildProcess::Stream::Null);
    child.setPassFds({ kept.get() });
    QVERIFY(child.start(QStringLiteral("sleep"), { QStringLiteral("30") }));
    const QMap<int, QString> links = linksOfSleeper(child);
    QCOMPARE(links.keys(), QList<int>({ 0, 1, 2, kept.get() }));
    QCOMPARE(links.value(kept.get()), fdLinks(::getpid()).value(kept.get()));
}

void TestChildProcess::refusals_data()
{
    QTest::addColumn<int>("what");
    QTest::addColumn<QString>("expected");
    QTest::newRow("merge stdout") << 0 << QStringLiteral("MergeWithStdout applies to stderr only");
    QTest::newRow("closed stdin fd") << 1 << QStringLiteral("stdin fd 999: Bad file descriptor");
    QTest::newRow("pass fd 1") << 2 << QStringLiteral("cannot pass fd 1: 0, 1 and 2 are set by the stream modes");
    QTest::newRow("pass closed fd") << 3 << QStringLiteral("cannot pass fd 998: Bad file descriptor");
}

void TestChildProcess::refusals()
{
    QFETCH(int, what);
    QFETCH(QString, expected);
    ChildProcess child;
    if (what == 0)
        child.setStdoutMode(ChildProcess::Stream::MergeWithStdout);
    else if (what == 1)
        child.setStdinFd(999);
    else
        child.setPassFds({ what == 2 ? 1 : 998 });
    QVERIFY(!child.start(QStringLiteral("true")));
    QCOMPARE(child.errorString(), expected);
    QCOMPARE(child.state(), ChildProcess::State::NotStarted);
    QCOMPARE(child.pid(), pid_t(-1));
}

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
