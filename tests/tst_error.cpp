// PipeScope::Error, the one error type of core/: its words (fromErrno, the strerror fallback of
// a code-only error, prefixed), what counts as an error, report() with and without a place to
// put it, equality; and real failures through converted APIs (pipe2 under a lowered
// RLIMIT_NOFILE in a forked child, a missing FIFO, a bad pipe spec).

#include <pipescope/error.h>
#include <pipescope/pipeopeners.h>
#include <pipescope/pipeprobe.h>
#include <pipescope/sys.h>

#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

Q_DECLARE_METATYPE(PipeScope::Error)

using namespace PipeScope;

namespace {

QString strerrorText(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

} // namespace

class TestError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromErrnoWording_data();
    void fromErrnoWording();
    void codeOnlyFallsBackToStrerror();
    void isError_data();
    void isError();
    void reportWithoutPlace();
    void reportSetsAndLeavesAloneOnSuccess();
    void prefixed();
    void equality_data();
    void equality();
    void anonymousPipeUnderLowFdLimit();
    void openFifoReaderOnMissingPath();
    void fromSpecRefusalHasNoCode();
};

void TestError::fromErrnoWording_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("message");
    QTest::newRow("open") << ENOENT << QStringLiteral("open /x")
                          << QStringLiteral("open /x: No such file or directory");
    QTest::newRow("pipe2") << EMFILE << QStringLiteral("pipe2") << QStringLiteral("pipe2: Too many open files");
    QTest::newRow("no what") << EACCES << QString() << QStringLiteral("Permission denied");
}

void TestError::fromErrnoWording()
{
    QFETCH(int, code);
    QFETCH(QString, what);
    QFETCH(QString, message);
    const Error error = Error::fromErrno(code, what);
    QCOMPARE(error.message(), message);
    QCOMPARE(error.code(), code);
    QVERIFY(error.isError());
}

void TestError::codeOnlyFallsBackToStrerror()
{
    const Error error = Error::fromErrno(ESRCH);
    QCOMPARE(error.code(), ESRCH);
    QCOMPARE(error.message(), strerrorText(ESRCH));
    QCOMPARE(error.message(), Sys::errorText(ESRCH));
}

void TestError::isError_data()
{
    QTest::addColumn<Error>("error");
    QTest::addColumn<bool>("failed");
    QTest::newRow("empty") << Error() << false;
    QTest::newRow("code only") << Error::fromErrno(EPIPE) << true;
    QTest::newRow("message only") << Error(QStringLiteral("bad pipe '3x'")) << true;
    QTest::newRow("both") << Error(QStringLiteral("x"), EINVAL) << true;
}

void TestError::isError()
{
    QFETCH(Error, error);
    QFETCH(bool, failed);
    QCOMPARE(error.isError(), failed);
    QCOMPARE(bool(error), failed);
    QCOMPARE(error.message().isEmpty(), !failed);
}

void TestError::reportWithoutPlace()
{
    QCOMPARE(Error::report(nullptr, Error::fromErrno(EBADF, QStringLiteral("close 9"))), false);
}

void TestError::reportSetsAndLeavesAloneOnSuccess()
{
    Error error;
    QCOMPARE(Error::report(&error, Error::fromErrno(EBADF, QStringLiteral("close 9"))), false);
    QCOMPARE(error.code(), EBADF);
    QCOMPARE(error.message(), QStringLiteral("close 9: Bad file descriptor"));

    // A converted call that succeeds leaves what was there.
    const Error before = error;
    const std::optional<PipeFds> fds = Openers::anonymousPipe(&error);
    QVERIFY(fds);
    Sys::close(fds->read);
    Sys::close(fds->write);
    QCOMPARE(error, before);
}

void TestError::prefixed()
{
    const Error inner(QStringLiteral("line 3: unknown key 'x'"));
    const Error outer = inner.prefixed(QStringLiteral("lab.json"));
    QCOMPARE(outer.message(), QStringLiteral("lab.json: line 3: unknown key 'x'"));
    QCOMPARE(outer.code(), 0);
    const Error coded = Error::fromErrno(ENOENT).prefixed(QStringLiteral("open /x"));
    QCOMPARE(coded.message(), QStringLiteral("open /x: No such file or directory"));
    QCOMPARE(coded.code(), ENOENT);
}

void TestError::equality_data()
{
    QTest::addColumn<Error>("a");
    QTest::addColumn<Error>("b");
    QTest::addColumn<bool>("equal");
    QTest::newRow("empty") << Error() << Error() << true;
    QTest::newRow("same") << Error::fromErrno(ENOENT, QStringLiteral("open /x"))
                          << Error(QStringLiteral("open /x: No such file or directory"), ENOENT) << true;
    // A code-only error reads as strerror: it equals the same words with the same code.
    QTest::newRow("code only vs its words") << Error::fromErrno(EPIPE) << Error(strerrorText(EPIPE), EPIPE) << true;
    QTest::newRow("other code") << Error(QStringLiteral("x"), EIO) << Error(QStringLiteral("x"), EPIPE) << false;
    QTest::newRow("other words") << Error(QStringLiteral("x")) << Error(QStringLiteral("y")) << false;
    QTest::newRow("error vs none") << Error(QStringLiteral("x")) << Error() << false;
}

void TestError::equality()
{
    QFETCH(Error, a);
    QFETCH(Error, b);
    QFETCH(bool, equal);
    QCOMPARE(a == b, equal);
    QCOMPARE(a != b, !equal);
    QCOMPARE(b == a, equal);
}

void TestError::anonymousPipeUnderLowFdLimit()
{
    // In a child, so the lowered limit and the fds used up to reach it cannot disturb this
    // process (or the sanitizers' own fds): the child reports the code and whether the words
    // were the expected ones through its exit status.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        rlimit low {};
        ::getrlimit(RLIMIT_NOFILE, &low);
        low.rlim_cur = 16;
        if (::setrlimit(RLIMIT_NOFILE, &low) != 0)
            ::_exit(100);
        while (::dup(STDERR_FILENO) >= 0) { } // every fd under the limit taken
        Error error;
        const bool made = Openers::anonymousPipe(&error).has_value();
        const bool words = error.message() == QStringLiteral("pipe2: ") + strerrorText(EMFILE)
                && error.message().contains(QLatin1String("pipe2"));
        ::_exit(made ? 101 : error.code() == EMFILE && words ? 0 : 102);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
}

void TestError::openFifoReaderOnMissingPath()
{
    const QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("missing.fifo"));
    Error error;
    QCOMPARE(Openers::openFifoReader(path, &error), -1);
    QCOMPARE(error.code(), ENOENT);
    QCOMPARE(error.message(), QStringLiteral("open %1: No such file or directory").arg(path));
    QCOMPARE(error, Error::fromErrno(ENOENT, QStringLiteral("open ") + path));
}

void TestError::fromSpecRefusalHasNoCode()
{
    Error error;
    QVERIFY(!PipeProbe::fromSpec(QStringLiteral("3x"), &error));
    QCOMPARE(error.code(), 0);
    QVERIFY2(error.message().startsWith(QLatin1String("bad pipe '3x': not a number")), qPrintable(error.message()));
    // And a probe of a missing process carries the errno the old int did.
    const PipeSample gone = PipeProbe::forProcessFd(999999999, 0).sample();
    QVERIFY(!gone.ok);
    QCOMPARE(gone.error.code(), ESRCH);
    QCOMPARE(gone.error.message(), QStringLiteral("no process 999999999"));
}

QTEST_GUILESS_MAIN(TestError)

#include "tst_error.moc"
