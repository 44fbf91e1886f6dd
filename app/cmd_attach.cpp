// pipescope attach PID: meters a pipeline that is already running, found from any of its
// stages or the shell that started it, without ptrace and without touching its bytes.
#include "command.h"
#include "meterconsole.h"

#include <pipescope/pipelinemeter.h>

#include <QCommandLineParser>
#include <QTextStream>

namespace PipeScope::App {

namespace {

struct AttachOptions
{
    MeterConsoleOptions console;
    int intervalMs = PipelineMeter::DefaultIntervalMs;
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
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Write JSON lines (docs/meter-json.md) to PATH."),
                                  QStringLiteral("PATH"));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QStringLiteral("Sample every MS milliseconds (20..1000, default 100)."),
                                      QStringLiteral("MS"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Detach after N samples."), QStringLiteral("N"));
    parser.addOptions({ json, interval, count });
    parser.addPositionalArgument(QStringLiteral("PID"), QStringLiteral("A stage of the pipeline, or its shell."));
    if (!parser.parse(arguments)) {
        *status = usageError(parser.errorText(), parser.helpText());
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        *status = ExitOk;
        return std::nullopt;
    }
    AttachOptions options;
    bool ok = false;
    const QStringList positional = parser.positionalArguments();
    options.pid = positional.value(0).toLongLong(&ok);
    if (positional.size() != 1 || !ok || options.pid <= 0) {
        *status = usageError(QStringLiteral("attach needs one process id"), parser.helpText());
        return std::nullopt;
    }
    options.intervalMs = parser.isSet(interval) ? parser.value(interval).toInt(&ok) : PipelineMeter::DefaultIntervalMs;
    if (!ok || options.intervalMs < PipelineMeter::MinimumIntervalMs || options.intervalMs > PipelineMeter::MaximumIntervalMs) {
        *status = usageError(QStringLiteral("--interval needs 20..1000 (milliseconds)"), parser.helpText());
        return std::nullopt;
    }
    if (parser.isSet(count)) {
        options.console.count = parser.value(count).toInt(&ok);
        if (!ok || options.console.count < 1) {
            *status = usageError(QStringLiteral("--count needs a positive number"), parser.helpText());
            return std::nullopt;
        }
    }
    options.console.verb = QStringLiteral("attach");
    options.console.jsonPath = parser.value(json);
    return options;
}

int runAttach(const QStringList &arguments)
{
    int status = ExitOk;
    const std::optional<AttachOptions> options = parse(arguments, &status);
    if (!options)
        return status;
    MeterConsole console(options->console);
    MeterSummary summary;
    int signal = 0;
    const auto start = [&](PipelineMeter &meter, int *failure) {
        if (meter.attach(options->pid))
            return true;
        QTextStream(stderr) << "pipescope attach: " << meter.errorString() << '\n';
        *failure = ExitFailure;
        return false;
    };
    if (!console.execute(options->intervalMs, start, &summary, &signal, &status))
        return status;
    return ExitOk; // detaching, by the end, a count or a signal, is a success
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("attach", "Meter a running pipeline from any stage or its shell", runAttach)

} // namespace PipeScope::App
