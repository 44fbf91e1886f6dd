// The pipescope command line itself: --help, --version, and what a wrong argument gets.
#include <QProcess>
#include <QTest>

class TestCliApp : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral(PIPESCOPE_BINARY), arguments);
        Result result;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromLocal8Bit(process.readAllStandardOutput());
        result.err = QString::fromLocal8Bit(process.readAllStandardError());
        return result;
    }

private Q_SLOTS:
    void help()
    {
        const Result result = run({ QStringLiteral("--help") });
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.startsWith(QLatin1String("Usage: pipescope")), qPrintable(result.out));
        QVERIFY(result.out.contains(QLatin1String("--pid")));
        QVERIFY(result.out.contains(QLatin1String("Commands")));
        QVERIFY(result.err.isEmpty());
    }

    void version()
    {
        const Result result = run({ QStringLiteral("--version") });
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out.trimmed(), QStringLiteral("pipescope " PIPESCOPE_VERSION));
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
                                          << QStringLiteral("--pid needs a process id, got 'abc'");
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
        const Result result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(result.err.contains(QLatin1String("Usage: pipescope")), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliApp)
#include "tst_cli_app.moc"
