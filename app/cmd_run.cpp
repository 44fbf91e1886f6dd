// pipescope run 'a | b | c': starts the pipeline itself and meters it -- live view on stderr,
// JSON lines with --json, a summary at the end, the pipeline's exit status as ours.
#include "command.h"
#include "meterconsole.h"

#include <pipescope/pipelinemeter.h>

#include <QCommandLineParser>
#include <QTextStream>

namespace PipeScope::App {

namespace {

struct RunOptions
{
    MeterConsoleOptions console;
    QString pipeline;
};

std::optional<RunOptions> parse(const QStringList &arguments, int *status)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Start PIPELINE (split at unquoted |, each stage run by /bin/sh -c) and meter it: per stage "
            "state, CPU and bytes in/out, per pipe fill and rate, and the stage that holds the pipeline "
            "back with its cause. Its stdin is the first stage's, its stdout the last stage's; the live "
            "view goes to stderr (a refreshing block on a terminal, a line a second otherwise), then a "
            "summary. Exits with the pipeline's status (the last stage's; 128+N for a signal N). "
            "Ctrl-C ends the pipeline and still prints the summary."));
    MeterConsole::addCommonOptions(parser);
    const QCommandLineOption pipefail(QStringLiteral("pipefail"),
                                      QStringLiteral("Exit with the rightmost non-zero stage status, as set -o pipefail."));
    const QCommandLineOption quiet({ QStringLiteral("q"), QStringLiteral("quiet") },
                                   QStringLiteral("No live view and no summary (the JSON lines are still written)."));
    parser.addOptions({ pipefail, quiet });
    parser.addPositionalArgument(QStringLiteral("PIPELINE"), QStringLiteral("The pipeline, as one quoted argument."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    if (!MeterConsole::parseCommandLine(parser, arguments, status))
        return std::nullopt;
    RunOptions options;
    QString error;
    const bool common = MeterConsole::readCommonOptions(parser, &options.console, &error);
    const QStringList positional = parser.positionalArguments();
    if (!common || positional.size() != 1) {
        *status = usageError(common ? QStringLiteral("give the pipeline as one quoted argument: pipescope run 'a | b'") : error,
                             parser.helpText());
        return std::nullopt;
    }
    options.pipeline = positional.first();
    options.console.verb = QStringLiteral("run");
    options.console.quiet = parser.isSet(quiet);
    options.console.pipefail = parser.isSet(pipefail);
    return options;
}

int runRun(const QStringList &arguments)
{
    int status = ExitOk;
    const std::optional<RunOptions> options = parse(arguments, &status);
    if (!options)
        return status;
    MeterConsole console(options->console);
    const auto start = [&](PipelineMeter &meter, int *failure) {
        if (meter.run(options->pipeline))
            return true;
        if (meter.error() == PipelineMeter::Error::EmptyPipeline) {
            *failure = usageError(QStringLiteral("run: %1").arg(meter.errorString()),
                                  QStringLiteral("Usage: pipescope run [--json PATH] [--interval MS] [--pipefail] [-q] 'PIPELINE'\n"));
        } else {
            QTextStream(stderr) << "pipescope run: " << meter.errorString() << '\n';
            *failure = ExitFailure;
        }
        return false;
    };
    return console.execute(start, [&](const MeterSummary &summary, int signal) {
        const int pipelineStatus = summary.exitStatus(options->console.pipefail);
        return signal ? 128 + signal : pipelineStatus < 0 ? int(ExitFailure) : pipelineStatus;
    });
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("run", "Start a pipeline and meter it: rates, totals, the bottleneck", runRun)

} // namespace PipeScope::App
