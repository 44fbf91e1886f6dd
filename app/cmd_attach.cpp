// pipescope attach PID: meters a pipeline that is already running, found from any of its
// stages or the shell that started it, without ptrace and without touching its bytes.
#include "command.h"
#include "meterconsole.h"

#include <pipescope/pipelinemeter.h>

#include <QCommandLineParser>
#include <QTextStream>

#include <limits>

namespace PipeScope::App {

namespace {

struct AttachOptions
{
    MeterConsoleOptions console;
    qint64 pid = 0;
};

std::optional<AttachOptions> parse(const QStringList &arguments, int *status)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Meter the running pipeline process PID belongs to (PID: any stage, or the shell that "
            "started it). Stages are the processes linked by the pipes on their fds 0 and 1; other "
            "inherited pipes are not followed. Shows per stage state, CPU and bytes, per pipe fill and "
            "rate, and the bottleneck, until the pipeline ends, N samples, or Ctrl-C (which only "
            "detaches). A stage of another user shows state and CPU only."));
    MeterConsole::addCommonOptions(parser);
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Detach after N samples."), QStringLiteral("N"));
    parser.addOption(count);
    parser.addPositionalArgument(QStringLiteral("PID"), QStringLiteral("A stage of the pipeline, or its shell."));
    if (!MeterConsole::parseCommandLine(parser, arguments, status))
        return std::nullopt;
    AttachOptions options;
    QString error;
    const QStringList positional = parser.positionalArguments();
    const std::optional<qint64> pid = positional.size() == 1 ? parsePid(positional.first(), QStringLiteral("the process id"), &error)
                                                             : std::nullopt;
    if (positional.size() != 1)
        error = QStringLiteral("attach needs one process id");
    const bool common = pid && MeterConsole::readCommonOptions(parser, &options.console, &error);
    const std::optional<qint64> samples = !common || !parser.isSet(count)
            ? std::optional<qint64>(-1)
            : parseNumber(parser.value(count), 1, std::numeric_limits<int>::max(), QStringLiteral("--count"), &error);
    if (!pid || !common || !samples) {
        *status = usageError(error, parser.helpText());
        return std::nullopt;
    }
    options.pid = *pid;
    options.console.count = int(*samples);
    options.console.verb = QStringLiteral("attach");
    return options;
}

int runAttach(const QStringList &arguments)
{
    int status = ExitOk;
    const std::optional<AttachOptions> options = parse(arguments, &status);
    if (!options)
        return status;
    MeterConsole console(options->console);
    const auto start = [&](PipelineMeter &meter, int *failure) {
        if (meter.attach(options->pid))
            return true;
        QTextStream(stderr) << "pipescope attach: " << meter.errorString() << '\n';
        *failure = ExitFailure;
        return false;
    };
    // Detaching, by the end, a count or a signal, is a success.
    return console.execute(start, [](const MeterSummary &, int) { return int(ExitOk); });
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("attach", "Meter a running pipeline from any stage or its shell", runAttach)

} // namespace PipeScope::App
