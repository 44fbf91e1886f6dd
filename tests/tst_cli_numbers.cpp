// Every number a command takes (PID, FD, byte counts, intervals, counts) at and around its
// boundaries, and in the shapes a mistyped or hostile value takes: each command refuses what is
// not in range with a usage error (exit 2) before doing anything, and accepts its minimum and
// maximum. Issue 17 item 1: `peek PID:4294967299` used to read fd 0 and exit 0.
#include "testsupport.h"

#include <pipescope/sys.h>

#include <QProcess>
#include <QTest>

#include <csignal>
#include <limits>
#include <memory>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

/// One place a command takes a number: its arguments with %1 where the number goes.
struct Slot
{
    const char *name;
    QStringList arguments;
    qint64 minimum;
    qint64 maximum;
    bool bytes = false;       ///< takes K and M suffixes
    bool runsAtMinimum = true; ///< the command may run with the minimum (it ends on its own)
    bool runsAtMaximum = true;
};

QStringList args(std::initializer_list<const char *> words)
{
    QStringList list;
    for (const char *word : words)
        list << QString::fromLatin1(word);
    return list;
}

QList<Slot> numberSlots()
{
    const qint64 intMax = std::numeric_limits<int>::max();
    return {
        { "peek PID", args({ "peek", "%1:0" }), 1, intMax },
        { "peek FD", args({ "peek", "1:%1" }), 0, intMax },
        { "peek -n", args({ "peek", "1:0", "-n", "%1" }), 0, 1 << 20, true },
        { "inspect PID", args({ "inspect", "%1:0" }), 1, intMax },
        { "inspect FD", args({ "inspect", "1:%1" }), 0, intMax },
        { "inspect --peek", args({ "inspect", "0", "--peek", "%1" }), 0, intMax, true },
        // Not run at INT_MAX: root may get a 2 GiB pipe.
        { "inspect --set-capacity", args({ "inspect", "0", "--set-capacity", "%1" }), 0, intMax, true, true, false },
        { "list --pid", args({ "list", "--pid", "%1" }), 1, intMax },
        { "watch --interval", args({ "watch", "--count", "1", "--interval", "%1" }), 10, intMax },
        // INT_MAX refreshes would run for years.
        { "watch --count", args({ "watch", "--interval", "10", "--count", "%1" }), 1, intMax, false, true, false },
        { "watch --pid", args({ "watch", "--count", "1", "--pid", "%1" }), 1, intMax },
        { "stop PID", args({ "stop", "--dry-run", "%1" }), 1, intMax },
        { "cont PID", args({ "cont", "--dry-run", "%1" }), 1, intMax },
        // run and attach take their numbers through the same checked parser (issue 10 review).
        { "run --interval", args({ "run", "--interval", "%1", "true" }), 20, 1000 },
        // No process has the largest PID: attach says so and exits 1, after the numbers were
        // accepted. (Any real PID might be in a pipeline, and attach would meter it.)
        { "attach --interval", args({ "attach", "--interval", "%1", "2147483647" }), 20, 1000 },
        { "attach --count", args({ "attach", "--count", "%1", "2147483647" }), 1, intMax },
        { "attach PID", args({ "attach", "--count", "1", "%1" }), 1, intMax, false, false, true },
        // A valid --pid opens the window: only refusals are run.
        { "gui --pid", args({ "--pid", "%1" }), 1, intMax, false, false, false },
    };
}

QStringList withValue(const QStringList &arguments, const QString &value)
{
    QStringList result;
    for (const QString &argument : arguments)
        result << QString(argument).replace(QLatin1String("%1"), value);
    return result;
}

/// One run of the table: a name for messages, the arguments, and whether they are in range.
struct Case
{
    QString name;
    QStringList arguments;
    bool accepted = false;
};

QList<Case> cases()
{
    const QStringList malformed = { QString(), QStringLiteral("-1"), QStringLiteral("1x"), QStringLiteral("0x10"),
                                    QString(QChar(0x0661)), // ARABIC-INDIC DIGIT ONE
                                    QStringLiteral("4294967299"), QStringLiteral("99999999999999999999999") };
    QList<Case> all;
    for (const Slot &slot : numberSlots()) {
        auto add = [&](const QString &label, const QString &value, bool accepted) {
            all.append({ QStringLiteral("%1 %2").arg(QLatin1String(slot.name), label),
                         withValue(slot.arguments, value), accepted });
        };
        for (const QString &value : malformed)
            add(QLatin1Char('\'') + value + QLatin1Char('\''), value, false);
        add(QStringLiteral("maximum+1"), QString::number(slot.maximum + 1), false);
        if (slot.minimum > 0)
            add(QStringLiteral("minimum-1"), QString::number(slot.minimum - 1), false);
        if (slot.runsAtMinimum)
            add(QStringLiteral("minimum"), QString::number(slot.minimum), true);
        if (slot.runsAtMaximum)
            add(QStringLiteral("maximum"), QString::number(slot.maximum), true);
        if (slot.bytes) {
            // The suffix multiplies after the range check, which must not overflow first.
            add(QStringLiteral("maximum+1 in K"), QString::number(slot.maximum / 1024 + 1) + u'K', false);
            add(QStringLiteral("huge M"), QStringLiteral("9223372036854775807M"), false);
            add(QStringLiteral("1K"), QStringLiteral("1K"), true);
        }
    }
    return all;
}

/// Why \a result is not what \a expected wants, or an empty string.
QString mismatch(const Case &expected, int exitCode, const QByteArray &out, const QString &err)
{
    if (exitCode < 0)
        return QStringLiteral("crashed or timed out");
    if (expected.accepted) {
        if (exitCode == 2 || err.contains(QLatin1String("needs a")))
            return QStringLiteral("refused: %1").arg(err);
        return {};
    }
    // Refused before any scan or probe: a usage error is the first and only thing said.
    if (exitCode != 2 || !err.startsWith(QLatin1String("pipescope: ")) || !err.contains(QLatin1String("Usage: "))
        || !out.isEmpty())
        return QStringLiteral("not refused (exit %1): %2%3").arg(exitCode).arg(QString::fromLocal8Bit(out), err);
    return {};
}

} // namespace

class TestCliNumbers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyNumberAtItsBoundaries();
    void peekOverflowingFdDoesNotReadFdZero();
    void badNumberIsNamedBeforeExtraArguments_data();
    void badNumberIsNamedBeforeExtraArguments();
};

void TestCliNumbers::everyNumberAtItsBoundaries()
{
    // A few hundred short runs: started a batch at a time, so the table takes seconds.
    const QList<Case> all = cases();
    QStringList failures;
    constexpr qsizetype Batch = 12;
    for (qsizetype first = 0; first < all.size(); first += Batch) {
        std::vector<std::unique_ptr<QProcess>> running;
        for (qsizetype i = first; i < std::min(all.size(), first + Batch); ++i) {
            running.push_back(std::make_unique<QProcess>());
            running.back()->start(QStringLiteral(PIPESCOPE_BINARY), all[i].arguments);
        }
        for (qsizetype i = first; i < std::min(all.size(), first + Batch); ++i) {
            QProcess &process = *running[size_t(i - first)];
            const bool finished = process.waitForFinished(60000);
            if (!finished)
                process.kill();
            const int exitCode = finished && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
            const QString why = mismatch(all[i], exitCode, process.readAllStandardOutput(),
                                         QString::fromLocal8Bit(process.readAllStandardError()));
            if (!why.isEmpty())
                failures << QStringLiteral("%1 [%2]: %3").arg(all[i].name, all[i].arguments.join(u' '), why);
        }
    }
    qInfo("%lld cases", qlonglong(all.size()));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
}

void TestCliNumbers::peekOverflowingFdDoesNotReadFdZero()
{
    // A process with bytes queued on its fd 0: 4294967299 wrapped to fd 0 and printed them.
    const auto [readEnd, writeEnd] = makePipe();
    const QByteArray secret = "bytes queued on fd 0\n";
    QVERIFY(writeAll(writeEnd, secret));
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::dup2(readEnd, 0);
        ::execlp("sleep", "sleep", "30", static_cast<char *>(nullptr));
        ::_exit(127);
    }
    Sys::close(readEnd);
    const QString pid = QString::number(child);
    const CommandResult wrapped = runCommand(QStringLiteral(PIPESCOPE_BINARY),
                                             { QStringLiteral("peek"), pid + QStringLiteral(":4294967299"),
                                               QStringLiteral("-n"), QStringLiteral("100") });
    // The real fd 0, for contrast: the bytes are there to be read.
    const CommandResult real = runCommand(QStringLiteral(PIPESCOPE_BINARY),
                                          { QStringLiteral("peek"), pid + QStringLiteral(":0") });
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    Sys::close(writeEnd);
    QCOMPARE(wrapped.exitCode, 2);
    QVERIFY2(wrapped.out.isEmpty(), wrapped.out.constData());
    QVERIFY2(wrapped.err.contains(QLatin1String("fd out of range")), qPrintable(wrapped.err));
    QCOMPARE(real.exitCode, 0);
    QCOMPARE(real.out, secret);
}

void TestCliNumbers::badNumberIsNamedBeforeExtraArguments_data()
{
    // Issue 16: `watch --interval 0` said "watch takes no arguments".
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("watch 0") << args({ "watch", "--interval", "0" })
                             << QStringLiteral("--interval (ms) needs a number from 10 to 2147483647, got '0'");
    QTest::newRow("watch 0 and a word") << args({ "watch", "--interval", "0", "x" })
                                        << QStringLiteral("--interval (ms) needs a number from 10 to 2147483647, got '0'");
    QTest::newRow("watch a word") << args({ "watch", "x" }) << QStringLiteral("watch takes no arguments, got 'x'");
    QTest::newRow("run junk") << args({ "run", "--interval", "10ms", "true" })
                              << QStringLiteral("--interval (ms) needs a number from 20 to 1000, got '10ms'");
    QTest::newRow("attach overflow") << args({ "attach", "--count", "99999999999999999999", "2147483647" })
                                     << QStringLiteral("--count needs a number from 1 to 2147483647, got '99999999999999999999'");
    QTest::newRow("attach negative") << args({ "attach", "-5" }) << QStringLiteral("Unknown option");
    QTest::newRow("attach zero") << args({ "attach", "0" }) << QStringLiteral("the process id needs a number from 1 to 2147483647, got '0'");
}

void TestCliNumbers::badNumberIsNamedBeforeExtraArguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandResult result = runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith(QStringLiteral("pipescope: ") + message), qPrintable(result.err));
}

QTEST_GUILESS_MAIN(TestCliNumbers)
#include "tst_cli_numbers.moc"
