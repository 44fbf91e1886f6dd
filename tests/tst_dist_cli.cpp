// What a user and a packager see of the pipescope program itself: --version and its commit,
// `pipescope help COMMAND`, the generated man page (complete, current, warning-free), and the
// paragraph instead of Qt's abort when there is no display.
#include "helptext.h"
#include "manpage.h"
#include "testsupport.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace PipeScope::App;
using namespace PipeScope::Test;

namespace {

CommandResult pipescope(const QStringList &arguments)
{
    return runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
}

/// The commands `pipescope --help` lists (asked once: every run of the binary costs).
QStringList commandNames()
{
    static const QStringList names = [] {
        const QString help = pipescope({ QStringLiteral("--help") }).text();
        QStringList found;
        const qsizetype list = help.indexOf(QLatin1String("\nCommands"));
        for (const QString &line : help.mid(list).split(u'\n').mid(2)) {
            if (line.startsWith(QLatin1String("  ")))
                found << line.trimmed().section(u' ', 0, 0);
        }
        return found;
    }();
    return names;
}

QString readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

/// Runs \a program with \a environment changes (an empty value removes the variable).
CommandResult runWith(const QString &program, const QStringList &arguments,
                      const QList<QPair<QString, QString>> &environment, int waitMs = 30000)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : environment) {
        if (value.isEmpty())
            env.remove(name);
        else
            env.insert(name, value);
    }
    process.setProcessEnvironment(env);
    process.start(program, arguments);
    CommandResult result;
    if (!process.waitForStarted())
        return result;
    if (!process.waitForFinished(waitMs)) {
        process.terminate();
        process.waitForFinished(10000);
        result.err = QStringLiteral("(still running after %1 ms)").arg(waitMs);
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err += QString::fromLocal8Bit(process.readAllStandardError());
    return result;
}

const QList<QPair<QString, QString>> noDisplay = { { QStringLiteral("DISPLAY"), QString() },
                                                   { QStringLiteral("WAYLAND_DISPLAY"), QString() },
                                                   { QStringLiteral("QT_QPA_PLATFORM"), QString() } };

} // namespace

class TestDistCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionNamesTheCommit()
    {
        const CommandResult result = pipescope({ QStringLiteral("--version") });
        QCOMPARE(result.exitCode, 0);
        static const QRegularExpression line(QStringLiteral(
                "^pipescope " PIPESCOPE_VERSION_STRING
                " \\((git ([0-9a-f]{12})(, modified)?|commit unknown: [a-z ]+)\\)\n$"));
        const QRegularExpressionMatch match = line.match(result.text());
        QVERIFY2(match.hasMatch(), qPrintable(result.text()));
        const CommandResult head = runCommand(QStringLiteral("git"),
                                              { QStringLiteral("-C"), QStringLiteral(PIPESCOPE_SOURCE_DIR),
                                                QStringLiteral("rev-parse"), QStringLiteral("--short=12"),
                                                QStringLiteral("HEAD") });
        if (head.exitCode != 0)
            QSKIP("the source tree is not a git checkout: nothing to compare the commit with");
        QCOMPARE(match.captured(2), head.text().trimmed()); // a commit since configuring re-ran CMake
    }

    void helpCommandIsCommandHelp_data()
    {
        QTest::addColumn<QString>("command");
        const QStringList names = commandNames();
        QVERIFY(names.contains(QLatin1String("list")) && names.contains(QLatin1String("help")));
        for (const QString &name : names)
            QTest::newRow(qPrintable(name)) << name;
    }

    void helpCommandIsCommandHelp()
    {
        QFETCH(QString, command);
        const CommandResult viaHelp = pipescope({ QStringLiteral("help"), command });
        const CommandResult direct = pipescope({ command, QStringLiteral("--help") });
        QCOMPARE(viaHelp.exitCode, 0);
        QCOMPARE(direct.exitCode, 0);
        QCOMPARE(viaHelp.text(), direct.text());
        // The usage names what the user typed, not the binary's path.
        QVERIFY2(direct.text().startsWith(QStringLiteral("Usage: pipescope %1 [options]").arg(command)),
                 qPrintable(direct.text()));
    }

    void helpWithoutCommandOrWithAWrongOne()
    {
        QCOMPARE(pipescope({ QStringLiteral("help") }).text(), pipescope({ QStringLiteral("--help") }).text());
        const CommandResult wrong = pipescope({ QStringLiteral("help"), QStringLiteral("frobnicate") });
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains(QLatin1String("no command named 'frobnicate'")), qPrintable(wrong.err));
    }

    void manPageIsCurrent()
    {
        // Generated at build time: what the program says now, byte for byte.
        const QString built = readFile(QStringLiteral(PIPESCOPE_MAN_PAGE));
        QVERIFY(!built.isEmpty());
        // The generator runs `pipescope COMMAND --help` once per command: seconds on a busy machine.
        const CommandResult now = runCommand(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("--help-man") }, 180000);
        QCOMPARE(now.exitCode, 0);
        QCOMPARE(now.text(), built);
    }

    void manPageRendersWithoutWarnings()
    {
        const QString groff = QStandardPaths::findExecutable(QStringLiteral("groff"));
        const QString man = QStandardPaths::findExecutable(QStringLiteral("man"));
        if (groff.isEmpty() || man.isEmpty())
            QFAIL("groff and man are needed (.ci/install-deps.sh installs groff and man-db)");
        const CommandResult strict = runCommand(groff, { QStringLiteral("-ww"), QStringLiteral("-man"),
                                                         QStringLiteral("-Tutf8"), QStringLiteral("-z"),
                                                         QStringLiteral(PIPESCOPE_MAN_PAGE) });
        QCOMPARE(strict.exitCode, 0);
        QVERIFY2(strict.err.isEmpty(), qPrintable(strict.err));
        const CommandResult rendered = runWith(man, { QStringLiteral("--warnings"), QStringLiteral("-l"),
                                                      QStringLiteral(PIPESCOPE_MAN_PAGE) },
                                               { { QStringLiteral("MANWIDTH"), QStringLiteral("80") },
                                                 { QStringLiteral("MANPAGER"), QStringLiteral("cat") },
                                                 { QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8") } });
        QCOMPARE(rendered.exitCode, 0);
        QVERIFY2(rendered.err.isEmpty(), qPrintable(rendered.err));
        QVERIFY(rendered.text().contains(QLatin1String("SYNOPSIS")));
    }

    void manPageCoversEveryCommandAndOption()
    {
        const CommandResult rendered = runWith(QStringLiteral("man"), { QStringLiteral("-l"), QStringLiteral(PIPESCOPE_MAN_PAGE) },
                                               { { QStringLiteral("MANWIDTH"), QStringLiteral("200") },
                                                 { QStringLiteral("MANPAGER"), QStringLiteral("cat") },
                                                 { QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8") } });
        QCOMPARE(rendered.exitCode, 0);
        const QString page = rendered.text();
        QStringList helps { pipescope({ QStringLiteral("--help") }).text() };
        for (const QString &name : commandNames()) {
            QVERIFY2(page.contains(QStringLiteral("pipescope %1 [options]").arg(name)), qPrintable(name));
            helps << pipescope({ name, QStringLiteral("--help") }).text();
        }
        static const QRegularExpression option(QStringLiteral("^  (-[^\\s,]+(?:, -[^\\s,]+)*)"),
                                               QRegularExpression::MultilineOption);
        int checked = 0;
        for (const QString &help : std::as_const(helps)) {
            QRegularExpressionMatchIterator it = option.globalMatch(help);
            while (it.hasNext()) {
                const QString names = it.next().captured(1);
                QVERIFY2(page.contains(names), qPrintable(names + QStringLiteral(" is not in the man page")));
                ++checked;
            }
        }
        QVERIFY2(checked > 30, qPrintable(QString::number(checked)));
    }

    void parsesQtHelpText()
    {
        QCommandLineParser parser;
        parser.setApplicationDescription(QStringLiteral("First line.\n  an aligned table row"));
        parser.addHelpOption();
        parser.addOption({ { QStringLiteral("n"), QStringLiteral("bytes") },
                           QStringLiteral("A description long enough that QCommandLineParser has "
                                          "to wrap it onto a second and maybe a third line."),
                           QStringLiteral("N") });
        parser.addOption({ QStringLiteral("json"), QStringLiteral("Print JSON.") });
        parser.addPositionalArgument(QStringLiteral("pipe"), QStringLiteral("FD or PID:FD"));
        const std::optional<HelpText> help = parseHelpText(parser.helpText() + QStringLiteral("\nLessons:\n  a  b\n"));
        QVERIFY(help);
        QCOMPARE(help->description, QStringList({ QStringLiteral("First line."), QStringLiteral("  an aligned table row") }));
        QCOMPARE(help->options.size(), 4); // -h/--help, --help-all, -n/--bytes, --json
        const HelpOption &bytes = help->options.at(2);
        QCOMPARE(bytes.names, QStringList({ QStringLiteral("-n"), QStringLiteral("--bytes") }));
        QCOMPARE(bytes.valueName, QStringLiteral("N"));
        QCOMPARE(bytes.description, QStringLiteral("A description long enough that QCommandLineParser has "
                                                   "to wrap it onto a second and maybe a third line."));
        QCOMPARE(help->options.at(3).names, QStringList { QStringLiteral("--json") });
        QCOMPARE(help->arguments.size(), 1);
        QCOMPARE(help->arguments.first().name, QStringLiteral("pipe"));
        QCOMPARE(help->arguments.first().description, QStringLiteral("FD or PID:FD"));
        QCOMPARE(help->positionalSyntax(), QStringLiteral("pipe"));
        QCOMPARE(help->sections.size(), 1);
        QCOMPARE(help->sections.first().title, QStringLiteral("Lessons"));
        QCOMPARE(help->sections.first().lines, QStringList { QStringLiteral("a  b") });
        QVERIFY(!parseHelpText(QStringLiteral("pipescope 0.1.0\n")));
    }

    void roffEscaping_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("roff");
        QTest::newRow("options") << QStringLiteral("use -n or --json, not-a-dash")
                                 << QStringLiteral("use \\-n or \\-\\-json, not-a-dash");
        QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("a\\eb");
        QTest::newRow("unicode") << QStringLiteral("✓ — 😀") << QStringLiteral("\\[u2713] \\[u2014] \\[u1F600]");
        QTest::newRow("request") << QStringLiteral(".so /etc/passwd") << QStringLiteral("\\&.so /etc/passwd");
        QTest::newRow("quote request") << QStringLiteral("'br") << QStringLiteral("\\&'br");
    }

    void roffEscaping()
    {
        QFETCH(QString, text);
        QFETCH(QString, roff);
        QCOMPARE(roffEscape(text), roff);
    }

#ifdef PIPESCOPE_HAS_GUI
    void withoutDisplayExplainsAndExits2()
    {
        const CommandResult result = runWith(QStringLiteral(PIPESCOPE_BINARY), {}, noDisplay);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.out.isEmpty());
        for (const char *needed : { "X11 or Wayland", "DISPLAY", "pipescope list", "pipescope lesson",
                                    "ssh -X", "xvfb-run", "QT_QPA_PLATFORM=vnc" }) {
            QVERIFY2(result.err.contains(QLatin1String(needed)), qPrintable(result.err));
        }
        QVERIFY2(!result.err.trimmed().contains(QLatin1String("\n\n")), qPrintable(result.err)); // one paragraph
        QVERIFY(!result.err.contains(QLatin1String("could not connect to display")));
    }

    void explicitPlatformStillOpensTheWindow()
    {
        QList<QPair<QString, QString>> environment = noDisplay;
        environment.append({ QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen") });
        environment.append({ QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/pipescope-dist-test") });
        // Still running after two seconds: the window is up (no message, no abort).
        const CommandResult result = runWith(QStringLiteral(PIPESCOPE_BINARY), { QStringLiteral("--no-demo") },
                                             environment, 2000);
        QCOMPARE(result.exitCode, -1);
        QVERIFY2(result.err.startsWith(QLatin1String("(still running")), qPrintable(result.err));
    }
#endif
};

QTEST_GUILESS_MAIN(TestDistCli)
#include "tst_dist_cli.moc"
