// pipescope lesson list | run NAME|FILE [--json] [--report FILE] | check FILE: the teaching
// lessons, headless.
#include "command.h"
#include "quitonsignals.h"

#include <pipescope/filelesson.h>
#include <pipescope/lessoncatalog.h>
#include <pipescope/lessonfile.h>
#include <pipescope/lessonrunner.h>
#include <pipescope/worksheet.h>

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

/// The user's lesson files that were left out, on stderr (a list still lists the rest).
void reportRefusedUserLessons()
{
    for (const QString &error : LessonCatalog::userLessonErrors())
        QTextStream(stderr) << "pipescope lesson: left out " << error << '\n';
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

int runLesson(const Lesson &lesson, bool json, const QString &report)
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
    Error error;
    if (!report.isEmpty() && !Worksheet(lesson, runner.observations()).write(report, &error)) {
        QTextStream(stderr) << "pipescope lesson: " << error.message() << '\n';
        return ExitFailure;
    }
    if (json) {
        out << QJsonDocument(runner.toJson()).toJson(QJsonDocument::Indented);
    } else {
        out << '\n'
            << runner.matchCount() << " of " << runner.stepCount()
            << " observations match their predictions.\n";
        if (!report.isEmpty())
            out << "Worksheet: " << report << '\n';
    }
    return runner.allMatch() ? ExitOk : ExitFailure;
}

/// `lesson check FILE`: validates a lesson file without running anything.
int checkLessonFile(const QString &path)
{
    Error error;
    const std::optional<LessonFile> lesson = LessonFile::load(path, &error);
    if (!lesson) {
        QTextStream(stderr) << "pipescope lesson check: " << error.message() << '\n';
        return ExitFailure;
    }
    QTextStream(stdout) << path << ": lesson '" << lesson->id << "' (" << lesson->title << "), "
                        << lesson->steps.size() << " steps: valid\n";
    return ExitOk;
}

/// The catalog's lesson \a name, else the lesson file it names ("./x.lesson", "x.lesson").
std::optional<Lesson> lessonNamed(const QString &name, Error *error)
{
    if (std::optional<Lesson> lesson = LessonCatalog::find(name))
        return lesson;
    if (!LessonFile::namesAFile(name)) {
        *error = Error(QStringLiteral("unknown lesson '%1'. Lessons:\n%2").arg(name, lessonList()));
        return std::nullopt;
    }
    const std::optional<LessonFile> file = LessonFile::load(name, error);
    if (!file)
        return std::nullopt;
    return FileLesson::toLesson(*file);
}

int lessonCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Guided lessons that run on real pipes and check what the kernel did.\n"
                       "  list        the lessons (id and title)\n"
                       "  run NAME    run one lesson: each step's prediction and observation;\n"
                       "              exit status 1 if an observation contradicts its prediction\n"
                       "  run FILE    run a lesson file (a path, or a name ending in .lesson)\n"
                       "  check FILE  validate a lesson file (docs/writing-a-lesson.md) without\n"
                       "              running it; exit status 1 with the line that is wrong"));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print one JSON object with a steps array."));
    parser.addOption(json);
    const QCommandLineOption report(
        QStringLiteral("report"),
        QStringLiteral("Also write a worksheet of the run to FILE: HTML if it ends in .html, "
                       "Markdown otherwise."),
        QStringLiteral("FILE"));
    parser.addOption(report);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list, run or check"),
                                 QStringLiteral("list | run NAME|FILE | check FILE"));
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
        reportRefusedUserLessons();
        return ExitOk;
    }
    if (action == QLatin1String("check") && positional.size() == 2)
        return checkLessonFile(positional.at(1));
    if (action != QLatin1String("run") || positional.size() != 2) {
        return usageError(QStringLiteral("expected 'list', 'run NAME|FILE' or 'check FILE'"),
                          parser.helpText());
    }
    Error error;
    const std::optional<Lesson> lesson = lessonNamed(positional.at(1), &error);
    if (!lesson) {
        QTextStream(stderr) << "pipescope lesson: " << error.message() << '\n';
        return ExitUsage;
    }
    return runLesson(*lesson, parser.isSet(json), parser.value(report));
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("lesson", "Run a guided lesson on real pipes (list, run NAME|FILE, check FILE)",
                           lessonCommand)

} // namespace PipeScope::App
