// The pipescope command line itself: --help, --version, what a wrong argument gets, and
// that Ctrl+C / SIGTERM clean up the processes a lesson or lab started.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTest>

#include <csignal>

using namespace PipeScope::Test;

namespace {

/// Waits up to 20 s for a child of \a parent whose comm is \a comm; its pid, or -1.
pid_t waitForChild(pid_t parent, const QString &comm)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        for (pid_t pid : ChildProcesses::childrenOf(parent)) {
            QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
            if (file.open(QIODevice::ReadOnly) && file.readAll().trimmed() == comm.toLatin1())
                return pid;
        }
        QThread::msleep(2); // no event loop: a lesson's child may live only a second
    }
    return -1;
}

/// Gone, or a zombie nobody reaps (a container's pid 1 may not): not running any more.
bool isGone(pid_t pid)
{
    const char state = processState(pid);
    return state == 0 || state == 'Z';
}

} // namespace

class TestCliApp : public QObject
{
    Q_OBJECT

private:
    static CommandResult run(const QStringList &arguments)
    {
        return runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
    }

private Q_SLOTS:
    void help()
    {
        const CommandResult result = run({ QStringLiteral("--help") });
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.text().startsWith(QLatin1String("Usage: pipescope")), qPrintable(result.text()));
        QVERIFY(result.text().contains(QLatin1String("--pid")));
        QVERIFY(result.text().contains(QLatin1String("Commands")));
        QVERIFY(result.err.isEmpty());
    }

    void version()
    {
        const CommandResult result = run({ QStringLiteral("--version") });
        QCOMPARE(result.exitCode, 0);
        // then the commit in parentheses: tst_dist_cli checks it
        QVERIFY2(result.text().startsWith(QStringLiteral("pipescope " PIPESCOPE_VERSION " (")),
                 qPrintable(result.text()));
    }

    void wrongArguments_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option") << QStringList { QStringLiteral("--bogus") }
                                        << QStringLiteral("Unknown option 'bogus'");
        QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate") }
                                         << QStringLiteral("unknown command or not a lab file: frobnicate");
        QTest::newRow("pid not a number") << QStringList { QStringLiteral("--pid"), QStringLiteral("abc") }
                                          << QStringLiteral("--pid needs a number from 1 to 2147483647, got 'abc'");
        QTest::newRow("pid without value") << QStringList { QStringLiteral("--pid") }
                                           << QStringLiteral("Missing value after '--pid'");
        QTest::newRow("unknown lesson") << QStringList { QStringLiteral("--lesson"), QStringLiteral("nosuch") }
                                        << QStringLiteral("no lesson named 'nosuch'; the lessons are: "
                                                          "capacity, backpressure,");
    }

    void wrongArguments()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CommandResult result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(result.err.contains(QLatin1String("Usage: pipescope")), qPrintable(result.err));
        QVERIFY(result.text().isEmpty());
    }

    void interruptedLessonKillsItsProcesses()
    {
        // The back-pressure lesson starts `yes` in its first step (of about a second in all).
        // Ctrl+C ends the run after the current step, and `yes` is killed, not orphaned.
        QProcess process;
        process.start(QStringLiteral(PIPESCOPE_BINARY),
                      { QStringLiteral("lesson"), QStringLiteral("run"), QStringLiteral("backpressure") });
        QVERIFY(process.waitForStarted());
        const pid_t pipescope = pid_t(process.processId());
        const pid_t yes = waitForChild(pipescope, QStringLiteral("yes"));
        QVERIFY(yes > 0);
        QCOMPARE(::kill(pipescope, SIGINT), 0);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 128 + SIGINT);
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY2(err.contains(QLatin1String("Interrupted by signal 2")), qPrintable(err));
        QVERIFY(isGone(yes));
    }

    void guiQuitsAndCleansUpOnSigterm()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString labFile = dir.filePath(QStringLiteral("lab.json"));
        QFile file(labFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format": "pipescope-lab", "version": 1, "pipes": [],
                      "children": [{"command": "sleep 600"}]})");
        file.close();
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path()); // no saved layout
        process.setProcessEnvironment(environment);
        // --trust: the lab's command runs without the ChildApproval dialog.
        process.start(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("--trust"), labFile });
        QVERIFY(process.waitForStarted());
        const pid_t sleeper = waitForChild(pid_t(process.processId()), QStringLiteral("sleep"));
        QVERIFY(sleeper > 0);
        QCOMPARE(::kill(pid_t(process.processId()), SIGTERM), 0);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit); // quit through the event loop
        QCOMPARE(process.exitCode(), 128 + SIGTERM);
        QVERIFY(isGone(sleeper));
    }
};

QTEST_GUILESS_MAIN(TestCliApp)
#include "tst_cli_app.moc"
