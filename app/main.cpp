// pipescope: the GUI when started without a command, otherwise a headless command.
#include "pipescope_buildinfo.h"
#include "command.h"
#include "generatedhelp.h"
#include "gui.h"

#include <pipescope/filelesson.h>
#include <pipescope/lessoncatalog.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <optional>
#include <utility>

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

// The options of `pipescope` without a command (the GUI), defined once for parsing, --help,
// `pipescope help` and the generated man page and completions.
struct ProgramOptions
{
    QCommandLineOption pid { QStringLiteral("pid"),
                             QStringLiteral("Open the System page focused on process PID."),
                             QStringLiteral("PID") };
    QCommandLineOption noDemo { QStringLiteral("no-demo"),
                                QStringLiteral("Start with an empty lab (no demo pipe).") };
    QCommandLineOption lesson { QStringLiteral("lesson"),
                                QStringLiteral("Open the Lessons page at lesson NAME (see "
                                               "`pipescope lesson list`), or at a lesson file "
                                               "(a path, or a name ending in .lesson)."),
                                QStringLiteral("NAME") };
    QCommandLineOption presentation { QStringLiteral("presentation"),
                                      QStringLiteral("Lessons in presentation mode for a "
                                                     "projector: full screen, large fonts; "
                                                     "Space or Right runs the next step, Left "
                                                     "goes back, R restarts, F toggles full "
                                                     "screen, Esc leaves.") };
    QCommandLineOption screen { QStringLiteral("screen"),
                                QStringLiteral("Present on screen N (0 is the first; with "
                                               "--presentation)."),
                                QStringLiteral("N") };
    QCommandLineOption run { QStringLiteral("run"),
                             QStringLiteral("Open the Pipeline page metering PIPELINE, started "
                                            "by PipeScope ('yes | gzip -9 | cat > /dev/null')."),
                             QStringLiteral("PIPELINE") };
    QCommandLineOption attach { QStringLiteral("attach"),
                                QStringLiteral("Open the Pipeline page on the running pipeline "
                                               "process PID (a stage or its shell) belongs to."),
                                QStringLiteral("PID") };
    QCommandLineOption trust { QStringLiteral("trust"),
                               QStringLiteral("Start the child processes of the lab file without "
                                              "asking (for scripted demos; only with a lab file "
                                              "you trust).") };
    // Build-time generators, hidden from --help: resources/CMakeLists.txt runs them.
    QCommandLineOption helpMan { QStringLiteral("help-man"),
                                 QStringLiteral("Print the pipescope(1) man page (roff).") };
    QCommandLineOption helpCompletion { QStringLiteral("help-completion"),
                                        QStringLiteral("Print the completion script for SHELL "
                                                       "(bash or zsh)."),
                                        QStringLiteral("SHELL") };

    void addTo(QCommandLineParser &parser)
    {
        parser.setApplicationDescription(
                QStringLiteral("PipeScope: a visual debugger for UNIX pipes.\n"
                               "Without a command it opens the Pipe Lab window."));
        parser.addHelpOption();
        parser.addVersionOption();
        helpMan.setFlags(QCommandLineOption::HiddenFromHelp);
        helpCompletion.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOptions({ pid, noDemo, lesson, presentation, screen, run, attach, trust, helpMan,
                            helpCompletion });
        parser.addPositionalArgument(QStringLiteral("lab"),
                                     QStringLiteral("A lab saved with File > Save lab "
                                                    "(.pipelab, or .json)."),
                                     QStringLiteral("[lab.pipelab]"));
        // X11/platform options (-platform, -style...) belong to QApplication, which reads them first.
        parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    }
};

// parse() runs before any QCoreApplication exists (the GUI needs a QApplication, the
// commands a QCoreApplication), so the help text cannot know the program's name yet.
QString helpText(const QCommandLineParser &parser)
{
    // Nor, inside `pipescope help`, is the program's name "pipescope help".
    QString text = parser.helpText();
    const qsizetype options = text.indexOf(QLatin1String(" [options]"));
    if (text.startsWith(QLatin1String("Usage: ")) && options > 0)
        text.replace(7, options - 7, QStringLiteral("pipescope"));
    return text + commandList();
}

QString programHelp()
{
    QCommandLineParser parser;
    ProgramOptions options;
    options.addTo(parser);
    return helpText(parser);
}

int runHeadless(const Command &command, int argc, char **argv)
{
    // Qt's help text names QCoreApplication::arguments()[0]: make that what the user typed,
    // "pipescope list", instead of the binary's path (and argv[1] the command's first argument).
    QByteArray name = QByteArray("pipescope ") + command.name;
    std::vector<char *> arguments { name.data() };
    arguments.insert(arguments.end(), argv + 2, argv + argc);
    arguments.push_back(nullptr);
    int count = argc - 1;
    QCoreApplication app(count, arguments.data());
    return command.run(QCoreApplication::arguments());
}

QStringList argumentList(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

bool looksLikeLab(const QStringList &positional)
{
    return positional.size() == 1
            && (positional[0].endsWith(QLatin1String(".pipelab"))
                || positional[0].endsWith(QLatin1String(".json")) || QFileInfo::exists(positional[0]));
}

// The GUI's options checked; returns ExitOk or the usage error's status.
int guiOptions(const QCommandLineParser &parser, const ProgramOptions &defined, GuiOptions *options)
{
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty() && !looksLikeLab(positional)) {
        return usageError(QStringLiteral("unknown command or not a lab file: %1").arg(positional.join(u' ')),
                          helpText(parser));
    }
    options->labFile = positional.value(0);
    options->demo = !parser.isSet(defined.noDemo) && options->labFile.isEmpty();
    // --pid and --attach take a process id: checked as every command checks one.
    for (const auto &[option, target] : { std::pair{ &defined.pid, &options->pid },
                                          std::pair{ &defined.attach, &options->attachPid } }) {
        if (!parser.isSet(*option))
            continue;
        QString error;
        const std::optional<qint64> checked =
                parsePid(parser.value(*option), QStringLiteral("--") + option->names().first(), &error);
        if (!checked)
            return usageError(error, helpText(parser));
        *target = *checked;
    }
    if (parser.isSet(defined.run) && parser.isSet(defined.attach))
        return usageError(QStringLiteral("--run and --attach exclude each other"), helpText(parser));
    if (parser.isSet(defined.run) && parser.value(defined.run).trimmed().isEmpty())
        return usageError(QStringLiteral("--run needs a pipeline, e.g. --run 'yes | gzip | wc -c'"),
                          helpText(parser));
    options->runPipeline = parser.value(defined.run);
    options->trust = parser.isSet(defined.trust);
    options->lesson = parser.value(defined.lesson);
    options->presentation = parser.isSet(defined.presentation);
    if (!options->lesson.isEmpty() && !LessonCatalog::find(options->lesson)
        && LessonFile::namesAFile(options->lesson)) {
        Error error;
        const std::optional<LessonFile> file = LessonFile::load(options->lesson, &error);
        if (!file)
            return usageError(error.message(), helpText(parser));
        LessonCatalog::add(FileLesson::toLesson(*file)); // the Lessons page lists it last
        options->lesson = file->id;
    }
    if (parser.isSet(defined.screen)) {
        bool ok = false;
        options->screen = parser.value(defined.screen).toInt(&ok);
        if (!ok || options->screen < 0 || !options->presentation)
            return usageError(QStringLiteral("--screen takes a screen number (0, 1, …) and goes "
                                             "with --presentation"),
                              helpText(parser));
    }
    if (!options->lesson.isEmpty() && !LessonCatalog::find(options->lesson)) {
        QStringList names;
        for (const Lesson &known : LessonCatalog::all())
            names << known.id;
        return usageError(QStringLiteral("no lesson named '%1'; the lessons are: %2")
                                  .arg(options->lesson, names.join(QStringLiteral(", "))),
                          helpText(parser));
    }
    return ExitOk;
}

// `pipescope help` and `pipescope help NOSUCH`; main() runs `pipescope help COMMAND` as
// `pipescope COMMAND --help` itself, so that even the usage line is the same.
int helpCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show the help of COMMAND (what "
                                                    "`pipescope COMMAND --help` shows), or of "
                                                    "pipescope itself."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("A command's name."),
                                 QStringLiteral("[COMMAND]"));
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), parser.helpText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty())
        return usageError(QStringLiteral("no command named '%1'").arg(positional.join(u' ')), programHelp());
    QTextStream(stdout) << programHelp();
    return ExitOk;
}

QString versionLine()
{
    return QStringLiteral("pipescope %1 (%2)")
            .arg(QStringLiteral(PIPESCOPE_VERSION), QStringLiteral(PIPESCOPE_BUILD_DESCRIPTION));
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("help", "Show a command's help (pipescope help COMMAND)", helpCommand)

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("pipescope"));
    QCoreApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PIPESCOPE_VERSION));

    if (argc == 3 && qstrcmp(argv[1], "help") == 0) {
        if (const Command *command = findCommand(QString::fromLocal8Bit(argv[2]))) {
            static char helpFlag[] = "--help";
            char *asHelp[] = { argv[0], argv[2], helpFlag, nullptr };
            return runHeadless(*command, 3, asHelp);
        }
    }
    if (argc > 1) {
        if (const Command *command = findCommand(QString::fromLocal8Bit(argv[1])))
            return runHeadless(*command, argc, argv);
    }

    QCommandLineParser parser;
    ProgramOptions defined;
    defined.addTo(parser);
    if (!parser.parse(argumentList(argc, argv)))
        return usageError(parser.errorText(), helpText(parser));
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << helpText(parser);
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << versionLine() << '\n';
        return ExitOk;
    }
    if (parser.isSet(defined.helpMan) || parser.isSet(defined.helpCompletion)) {
        QCoreApplication app(argc, argv); // the generators run pipescope COMMAND --help
        return printGeneratedHelp(parser.isSet(defined.helpMan) ? QStringLiteral("man")
                                                                 : parser.value(defined.helpCompletion));
    }
    GuiOptions options;
    if (const int status = guiOptions(parser, defined, &options); status != ExitOk)
        return status;
    return runGui(argc, argv, options);
}
