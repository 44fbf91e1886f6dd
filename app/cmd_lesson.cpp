// pipescope lesson list | run NAME [--json] | check FILE: the teaching lessons, headless.
#include "command.h"
#include "quitonsignals.h"

#include <pipescope/lessoncatalog.h>
#include <pipescope/lessonfile.h>
#include <pipescope/lessonrunner.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

#include <cstring>

namespace PipeScope::App {

namespace {

QString lessonList()
{
    QString text;
    for (const Lesson &lesson : LessonCatalog::all()) {
        text += QStringLiteral("  %1 %2\n").arg(lesson.id, -20).arg(lesson.title);
    }
    return text;
}

void printStep(QTextStream &out, const Step &step, int index, const Observation &observation)
{
    out << '\n' << index + 1 << ". " << step.title << '\n';
    out << "   " << step.explanation << '\n';
    out << "   Prediction:  " << step.prediction << '\n';
    if (!observation.prediction.isEmpty())
        out << "   Here:        " << observation.prediction << '\n';
    out << "   Observed:    " << observation.observed << "  "
        << (observation.matches ? "✓ as predicted" : "✗ differs") << '\n';
    if (!observation.why.isEmpty())
        out << "   Why:         " << observation.why << '\n';
    out.flush();
}

int runLesson(const Lesson &lesson, bool json)
{
    LessonRunner runner(lesson);
    QTextStream out(stdout);
    if (!json) {
        out << lesson.title << " (" << lesson.id << ")\n" << lesson.summary << '\n';
        out.flush();
        // Print each step as it finishes: a reader sees progress on a slow machine.
        QObject::connect(&runner, &LessonRunner::stepFinished, &runner,
                         [&](int index, const Observation &observation) {
                             printStep(out, lesson.steps.at(index), index, observation);
                         });
    }
    // Ctrl+C quits the event loop, mid-step too: ~LessonRunner then kills and reaps the
    // lesson's processes and closes its fds, and nothing of the step runs any more.
    const QuitOnSignals quitOnSignals;
    QObject::connect(&runner, &LessonRunner::finished, QCoreApplication::instance(),
                     &QCoreApplication::quit);
    runner.runAll();
    QCoreApplication::exec();
    if (const int signo = QuitOnSignals::signalNumber()) {
        QTextStream(stderr) << "Interrupted by signal " << signo << " (" << ::strsignal(signo)
                            << ") after " << runner.nextStep() << " of "
                            << runner.stepCount() << " steps; the lesson's processes are killed.\n";
        return QuitOnSignals::exitStatus(ExitFailure);
    }
    if (json) {
        out << QJsonDocument(runner.toJson()).toJson(QJsonDocument::Indented);
    } else {
        out << '\n'
            << runner.matchCount() << " of " << runner.stepCount()
            << " observations match their predictions.\n";
    }
    return runner.allMatch() ? ExitOk : ExitFailure;
}

/// `lesson check FILE`: validates a lesson file without running anything.
int checkLessonFile(const QString &path)
{
    QString error;
    const std::optional<LessonFile> lesson = LessonFile::load(path, &error);
    if (!lesson) {
        QTextStream(stderr) << "pipescope lesson check: " << error << '\n';
        return ExitFailure;
    }
    QTextStream(stdout) << path << ": lesson '" << lesson->id << "' (" << lesson->title << "), "
                        << lesson->steps.size() << " steps: valid\n";
    return ExitOk;
}

int lessonCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Guided lessons that run on real pipes and check what the kernel did.\n"
                       "  list        the lessons (id and title)\n"
                       "  run NAME    run one lesson: each step's prediction and observation;\n"
                       "              exit status 1 if an observation contradicts its prediction\n"
                       "  check FILE  validate a lesson file (docs/writing-a-lesson.md) without\n"
                       "              running it; exit status 1 with the line that is wrong"));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print one JSON object with a steps array."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list, run or check"),
                                 QStringLiteral("list | run NAME | check FILE"));
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), parser.helpText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText() << "\nLessons:\n" << lessonList();
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    if (action == QLatin1String("list") && positional.size() == 1) {
        QTextStream(stdout) << lessonList();
        return ExitOk;
    }
    if (action == QLatin1String("check") && positional.size() == 2)
        return checkLessonFile(positional.at(1));
    if (action != QLatin1String("run") || positional.size() != 2) {
        return usageError(QStringLiteral("expected 'list', 'run NAME' or 'check FILE'"),
                          parser.helpText());
    }
    const std::optional<Lesson> lesson = LessonCatalog::find(positional.at(1));
    if (!lesson) {
        QTextStream(stderr) << "pipescope lesson: unknown lesson '" << positional.at(1)
                            << "'. Lessons:\n"
                            << lessonList();
        return ExitUsage;
    }
    return runLesson(*lesson, parser.isSet(json));
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("lesson", "Run a guided lesson on real pipes (list, run NAME, check FILE)",
                           lessonCommand)

} // namespace PipeScope::App
