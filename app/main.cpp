// pipescope: the GUI when started without a command, otherwise a headless command.
#include "command.h"
#include "gui.h"

#include <pipescope/lessoncatalog.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

using namespace PipeScope;
using namespace PipeScope::App;

namespace {

QString commandList()
{
    std::vector<Command> sorted = commands();
    std::sort(sorted.begin(), sorted.end(),
              [](const Command &a, const Command &b) { return qstrcmp(a.name, b.name) < 0; });
    QString text = QStringLiteral("\nCommands (pipescope COMMAND --help for details):\n");
    for (const Command &command : sorted) {
        text += QStringLiteral("  %1 %2\n")
                        .arg(QLatin1String(command.name), -10)
                        .arg(QLatin1String(command.summary));
    }
    return text;
}

// parse() runs before any QCoreApplication exists (the GUI needs a QApplication, the
// commands a QCoreApplication), so the help text cannot know the program's name yet.
QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    text.replace(QLatin1String("<executable_name>"), QLatin1String("pipescope"));
    return text + commandList();
}

int runHeadless(const Command &command, int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments();
    arguments.removeAt(1); // the command sees "pipescope inspect" as its argv[0]
    arguments[0] = QStringLiteral("pipescope %1").arg(QLatin1String(command.name));
    return command.run(arguments);
}

QStringList argumentList(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("pipescope"));
    QCoreApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PIPESCOPE_VERSION));

    if (argc > 1) {
        if (const Command *command = findCommand(QString::fromLocal8Bit(argv[1])))
            return runHeadless(*command, argc, argv);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("PipeScope: a visual debugger for UNIX pipes.\n"
                           "Without a command it opens the Pipe Lab window."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption pid(QStringLiteral("pid"),
                                 QStringLiteral("Open the System page focused on process PID."),
                                 QStringLiteral("PID"));
    const QCommandLineOption noDemo(QStringLiteral("no-demo"),
                                    QStringLiteral("Start with an empty lab (no demo pipe)."));
    const QCommandLineOption lesson(QStringLiteral("lesson"),
                                    QStringLiteral("Open the Lessons page at lesson NAME (see "
                                                   "`pipescope lesson list`)."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption presentation(QStringLiteral("presentation"),
                                          QStringLiteral("Lessons in presentation mode: large "
                                                         "fonts for a projector."));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QStringLiteral("Open the Pipeline page metering PIPELINE, started "
                                                "by PipeScope ('yes | gzip -9 | cat > /dev/null')."),
                                 QStringLiteral("PIPELINE"));
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    QStringLiteral("Open the Pipeline page on the running pipeline "
                                                   "process PID (a stage or its shell) belongs to."),
                                    QStringLiteral("PID"));
        const QCommandLineOption trust(QStringLiteral("trust"),
                                   QStringLiteral("Start the child processes of lab.json without asking "
                                                  "(for scripted demos; only with a lab file you trust)."));
    parser.addOptions({ pid, noDemo, lesson, presentation, run, attach, trust });
    parser.addPositionalArgument(QStringLiteral("lab.json"),
                                 QStringLiteral("A lab saved with File > Save lab."),
                                 QStringLiteral("[lab.json]"));
    // X11/platform options (-platform, -style...) belong to QApplication, which reads them first.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);

    if (!parser.parse(argumentList(argc, argv)))
        return usageError(parser.errorText(), helpText(parser));
    if (parser.isSet(help)) {
        QTextStream(stdout) << helpText(parser);
        return ExitOk;
    }
    if (parser.isSet(version)) {
        QTextStream(stdout) << "pipescope " << PIPESCOPE_VERSION << '\n';
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const bool looksLikeLab = positional.size() == 1
            && (positional[0].endsWith(QLatin1String(".json")) || QFileInfo::exists(positional[0]));
    if (!positional.isEmpty() && !looksLikeLab) {
        return usageError(QStringLiteral("unknown command or not a lab file: %1")
                                  .arg(positional.join(u' ')),
                          helpText(parser));
    }

    GuiOptions options;
    options.labFile = parser.positionalArguments().value(0);
    options.demo = !parser.isSet(noDemo) && options.labFile.isEmpty();
    // --pid and --attach take a process id: checked as every command checks one.
    for (const auto &[option, target] : { std::pair{ &pid, &options.pid },
                                          std::pair{ &attach, &options.attachPid } }) {
        if (!parser.isSet(*option))
            continue;
        QString error;
        const std::optional<qint64> checked =
                parsePid(parser.value(*option), QStringLiteral("--") + option->names().first(), &error);
        if (!checked)
            return usageError(error, helpText(parser));
        *target = *checked;
    }
    if (parser.isSet(run) && parser.isSet(attach))
        return usageError(QStringLiteral("--run and --attach exclude each other"), helpText(parser));
    if (parser.isSet(run) && parser.value(run).trimmed().isEmpty())
        return usageError(QStringLiteral("--run needs a pipeline, e.g. --run 'yes | gzip | wc -c'"),
                          helpText(parser));
    options.runPipeline = parser.value(run);
    options.lesson = parser.value(lesson);
    options.presentation = parser.isSet(presentation);
    options.trust = parser.isSet(trust);
    if (!options.lesson.isEmpty() && !LessonCatalog::find(options.lesson)) {
        QStringList names;
        for (const Lesson &known : LessonCatalog::all())
            names << known.id;
        return usageError(QStringLiteral("no lesson named '%1'; the lessons are: %2")
                                  .arg(options.lesson, names.join(QStringLiteral(", "))),
                          helpText(parser));
    }
    return runGui(argc, argv, options);
}
