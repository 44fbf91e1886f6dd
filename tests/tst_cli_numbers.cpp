// Every number a command takes (PID, FD, byte counts, intervals, counts) at and around its
// boundaries, and in the shapes a mistyped or hostile value takes: each command refuses what is
// not in range with a usage error (exit 2) before doing anything, and accepts its minimum and
// maximum. Issue 17 item 1: `peek PID:4294967299` used to read fd 0 and exit 0.
#include "testsupport.h"

#include <pipescope/sys.h>

#include <QTest>

#include <csignal>
#include <limits>
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

QList<Slot> slots()
{
    const qint64 intMax = std::numeric_limits<int>::max();
    return {
        { "peek PID", args({ "peek", "%1:0" }), 1, intMax },
        { "peek FD", args({ "peek", "1:%1" }), 0, intMax },
        { "peek -n", args({ "peek", "1:0", "-n", "%1" }), 0, 1 << 20, true },
        { "inspect PID", args({ "inspect", "%1:0" }), 1, intMax },
        { "inspect FD", args({ "inspect", "1:%1" }), 0, intMax },
        { "inspect --peek", args({ "inspect", "0", "--peek", "%1" }), 0, intMax, true },
        { "inspect --set-capacity", args({ "inspect", "0", "--set-capacity", "%1" }), 0, intMax, true },
        { "list --pid", args({ "list", "--pid", "%1" }), 1, intMax },
        { "watch --interval", args({ "watch", "--count", "1", "--interval", "%1" }), 10, intMax },
        // INT_MAX refreshes would run for years.
        { "watch --count", args({ "watch", "--interval", "10", "--count", "%1" }), 1, intMax, false, true, false },
        { "watch --pid", args({ "watch", "--count", "1", "--pid", "%1" }), 1, intMax },
        { "stop PID", args({ "stop", "--dry-run", "%1" }), 1, intMax },
        { "cont PID", args({ "cont", "--dry-run", "%1" }), 1, intMax },
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

} // namespace

class TestCliNumbers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundaries_data();
    void boundaries();
    void peekOverflowingFdDoesNotReadFdZero();
};

void TestCliNumbers::boundaries_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("accepted");
    const QStringList malformed = { QString(), QStringLiteral("-1"), QStringLiteral("+1"),
                                    QStringLiteral(" 1"), QStringLiteral("1 "), QStringLiteral("1x"),
                                    QStringLiteral("0x10"), QStringLiteral("1e3"), QStringLiteral("1.0"),
                                    QString(QChar(0x0661)), // ARABIC-INDIC DIGIT ONE
                                    QStringLiteral("4294967299"), QStringLiteral("9223372036854775808"),
                                    QStringLiteral("99999999999999999999999") };
    for (const Slot &slot : slots()) {
        auto row = [&](const QString &label, const QString &value, bool accepted) {
            QTest::addRow("%s %s", slot.name, qPrintable(label)) << withValue(slot.arguments, value) << accepted;
        };
        for (const QString &value : malformed)
            row(QLatin1Char('\'') + value + QLatin1Char('\''), value, false);
        row(QStringLiteral("maximum+1"), QString::number(slot.maximum + 1), false);
        if (slot.minimum > 0)
            row(QStringLiteral("minimum-1"), QString::number(slot.minimum - 1), false);
        if (slot.runsAtMinimum)
            row(QStringLiteral("minimum"), QString::number(slot.minimum), true);
        if (slot.runsAtMaximum)
            row(QStringLiteral("maximum"), QString::number(slot.maximum), true);
        if (slot.bytes) {
            // The suffix multiplies after the range check would have overflowed.
            row(QStringLiteral("maximum+1 in K"), QString::number(slot.maximum / 1024 + 1) + u'K', false);
            row(QStringLiteral("huge M"), QStringLiteral("9223372036854775807M"), false);
            row(QStringLiteral("1K"), QStringLiteral("1K"), true);
        }
    }
}

void TestCliNumbers::boundaries()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, accepted);
    const CommandResult result = runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments, 20000);
    QVERIFY2(result.exitCode >= 0, "crashed or timed out");
    if (accepted) {
        QVERIFY2(result.exitCode != 2, qPrintable(result.err));
        QVERIFY2(!result.err.contains(QLatin1String("needs a")), qPrintable(result.err));
        return;
    }
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QLatin1String("Usage: pipescope")), qPrintable(result.err));
    // The refusal is the first thing said, before any scan or probe.
    QVERIFY2(result.err.startsWith(QLatin1String("pipescope: ")), qPrintable(result.err));
    QVERIFY2(result.out.isEmpty(), result.out.constData());
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

QTEST_GUILESS_MAIN(TestCliNumbers)
#include "tst_cli_numbers.moc"
