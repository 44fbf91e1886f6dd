// The generated shell completions, run as bash runs them: the `_pipescope` function with
// COMP_LINE/COMP_POINT set, against real processes that hold (or do not hold) pipes.
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace PipeScope::Test;

namespace {

/// Where bash runs: relative file names complete to nothing.
QString emptyDirectory()
{
    static QTemporaryDir dir;
    return dir.path();
}

/// COMPREPLY after completing \a line (the cursor at its end), one word per entry.
QStringList bashComplete(const QString &line, const QString &wordBreaks = QString())
{
    const QString script = QStringLiteral(
            "source \"$1\" || exit 3\n"
            "cd \"$4\" || exit 3\n"
            "[ -n \"$3\" ] && COMP_WORDBREAKS=$3\n"
            "COMP_LINE=$2; COMP_POINT=${#COMP_LINE}\n"
            "_pipescope\n"
            "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    const CommandResult result = runCommand(QStringLiteral("bash"),
                                            { QStringLiteral("-c"), script, QStringLiteral("bash"),
                                              QStringLiteral(PIPESCOPE_BASH_COMPLETION), line, wordBreaks,
                                              emptyDirectory() });
    if (result.exitCode != 0 || !result.err.isEmpty())
        return { QStringLiteral("(bash failed %1: %2)").arg(result.exitCode).arg(result.err) };
    QStringList words = result.text().split(u'\n', Qt::SkipEmptyParts);
    words.sort();
    return words;
}

QStringList sorted(QStringList words)
{
    words.sort();
    return words;
}

} // namespace

class TestDistCompletion : public QObject
{
    Q_OBJECT

    QProcess m_holder;  // sleep with pipes on fds 0, 1 and 2 (QProcess's channels)
    QProcess m_nothing; // sleep with /dev/null on all three: holds no pipe

private Q_SLOTS:
    void initTestCase()
    {
        // Close what the test inherited beyond 0-2 (a CI runner may leak a pipe to us).
        const QString closeInherited = QStringLiteral(
                "for f in /proc/$$/fd/*; do n=${f##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; ");
        m_holder.start(QStringLiteral("bash"), { QStringLiteral("-c"), closeInherited + QStringLiteral("exec sleep 600") });
        m_nothing.start(QStringLiteral("bash"), { QStringLiteral("-c"), closeInherited
                                                  + QStringLiteral("exec sleep 600 </dev/null >/dev/null 2>&1") });
        QVERIFY(m_holder.waitForStarted() && m_nothing.waitForStarted());
        QTRY_COMPARE(QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(m_nothing.processId())).endsWith(QLatin1String("/sleep")), true);
        QTRY_COMPARE(QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(m_holder.processId())).endsWith(QLatin1String("/sleep")), true);
    }

    void cleanupTestCase()
    {
        for (QProcess *process : { &m_holder, &m_nothing }) {
            process->kill();
            process->waitForFinished();
        }
    }

    void words_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("expected");
        auto words = [](const char *list) { return sorted(QString::fromLatin1(list).split(u' ', Qt::SkipEmptyParts)); };
        QTest::newRow("command") << "pipescope li" << words("list");
        QTest::newRow("options") << "pipescope list --" << words("--help --help-all --json --pid --all");
        QTest::newRow("short and long") << "pipescope peek -" << words("-h --help --help-all -n --bytes --hex");
        QTest::newRow("gui options") << "pipescope --p" << words("--pid --presentation");
        QTest::newRow("lesson action") << "pipescope lesson " << words("check list run");
        QTest::newRow("lesson name") << "pipescope lesson run back" << words("backpressure");
        QTest::newRow("after --json") << "pipescope lesson --json run cap" << words("capacity");
        QTest::newRow("nothing after list") << "pipescope lesson list " << words("");
        QTest::newRow("--lesson NAME") << "pipescope --lesson pause" << words("pause-resume");
        QTest::newRow("help COMMAND") << "pipescope help ins" << words("inspect");
        QTest::newRow("a number") << "pipescope peek -n " << words("");
    }

    void words()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, expected);
        QCOMPARE(bashComplete(line), expected);
    }

    void everyCommandAtTheStart()
    {
        const QStringList all = bashComplete(QStringLiteral("pipescope "));
        for (const char *command : { "cont", "help", "inspect", "lesson", "list", "peek", "stop", "watch" })
            QVERIFY2(all.contains(QLatin1String(command)), qPrintable(all.join(u' ')));
    }

    void pidsOfProcessesThatHoldPipes_data()
    {
        QTest::addColumn<QString>("line");
        QTest::newRow("stop PID") << "pipescope stop ";
        QTest::newRow("cont PID") << "pipescope cont ";
        QTest::newRow("list --pid PID") << "pipescope list --pid ";
        QTest::newRow("gui --pid PID") << "pipescope --pid ";
    }

    void pidsOfProcessesThatHoldPipes()
    {
        QFETCH(QString, line);
        const QStringList pids = bashComplete(line);
        QVERIFY2(pids.contains(QString::number(m_holder.processId())), qPrintable(pids.join(u' ')));
        QVERIFY2(!pids.contains(QString::number(m_nothing.processId())), qPrintable(pids.join(u' ')));
    }

    void pidFdPairs()
    {
        const QString pid = QString::number(m_holder.processId());
        // Without ':' in COMP_WORDBREAKS the whole word is replaced...
        QCOMPARE(bashComplete(QStringLiteral("pipescope peek %1:").arg(pid), QStringLiteral(" \t\n")),
                 QStringList({ pid + QStringLiteral(":0"), pid + QStringLiteral(":1"), pid + QStringLiteral(":2") }));
        // ...with it (bash's default) only what follows the ':'.
        QCOMPARE(bashComplete(QStringLiteral("pipescope peek %1:").arg(pid)),
                 QStringList({ QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2") }));
        QVERIFY(bashComplete(QStringLiteral("pipescope inspect %1:").arg(pid)).contains(QLatin1String("1")));
        QCOMPARE(bashComplete(QStringLiteral("pipescope peek %1:").arg(m_nothing.processId())), QStringList());
    }

    void filesForLabsAndInspect_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("lab file") << "pipescope ";
        QTest::newRow("inspect FIFO-PATH") << "pipescope inspect ";
    }

    void filesForLabsAndInspect()
    {
        QFETCH(QString, command);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile lab(dir.filePath(QStringLiteral("demo.pipelab")));
        QVERIFY(lab.open(QIODevice::WriteOnly));
        lab.close();
        QCOMPARE(bashComplete(command + dir.filePath(QStringLiteral("de"))), QStringList { lab.fileName() });
    }

    void zshScriptParsesAndFindsHolders()
    {
        const QString zsh = QStandardPaths::findExecutable(QStringLiteral("zsh"));
        if (zsh.isEmpty())
            QFAIL("zsh is needed (.ci/install-deps.sh installs it)");
        const QString file = QStringLiteral(PIPESCOPE_ZSH_COMPLETION);
        const CommandResult syntax = runCommand(zsh, { QStringLiteral("-n"), file });
        QCOMPARE(syntax.exitCode, 0);
        QVERIFY2(syntax.err.isEmpty(), qPrintable(syntax.err));
        // The function a PID completes from, run by zsh itself.
        const CommandResult holders = runCommand(
                zsh, { QStringLiteral("-fc"),
                       QStringLiteral("eval \"$(sed -n '/^_pipescope_holders()/,/^}/p' \"$1\")\"; "
                                      "_pipescope_holders pid; _pipescope_holders pidfd"),
                       QStringLiteral("zsh"), file });
        QCOMPARE(holders.exitCode, 0);
        const QStringList lines = holders.text().split(u'\n');
        const QString pid = QString::number(m_holder.processId());
        QVERIFY2(lines.contains(pid) && lines.contains(pid + QStringLiteral(":1")), qPrintable(holders.text()));
        QVERIFY(!lines.contains(QString::number(m_nothing.processId())));
        QFile script(file);
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QByteArray text = script.readAll();
        QVERIFY(text.startsWith("#compdef pipescope\n"));
        for (const char *expected : { "'inspect:", "'--set-capacity[", "_pipescope_value pidfd", "_pipescope_value lesson" })
            QVERIFY2(text.contains(expected), expected);
    }
};

QTEST_GUILESS_MAIN(TestDistCompletion)
#include "tst_dist_completion.moc"
