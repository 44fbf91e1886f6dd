// pipescope stop PID / pipescope cont PID: pause or resume one stage of a pipeline with
// SIGSTOP/SIGCONT, saying first what will back up (the pipes it reads fill, the readers of the
// pipes it writes run dry) and then confirming the new state.
#include "command.h"

#include <pipescope/processcontrol.h>
#include <pipescope/procscanner.h>

#include <QCommandLineParser>
#include <QTextStream>

namespace PipeScope::App {

namespace {

struct Request
{
    qint64 pid = 0;
    bool dryRun = false;
};

std::optional<Request> parse(const QStringList &arguments, const QString &what, int *status)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(what);
    parser.addHelpOption();
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    QStringLiteral("Only say what would happen; send no signal."));
    parser.addOption(dryRun);
    parser.addPositionalArgument(QStringLiteral("PID"), QStringLiteral("The process."));
    if (!parser.parse(arguments)) {
        *status = usageError(parser.errorText(), parser.helpText());
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        *status = ExitOk;
        return std::nullopt;
    }
    Request request;
    QString error;
    const std::optional<qint64> pid = parsePid(parser.positionalArguments().value(0), QStringLiteral("PID"), &error);
    if (parser.positionalArguments().size() != 1 || !pid) {
        *status = usageError(parser.positionalArguments().size() != 1 ? QStringLiteral("expected one PID") : error,
                             parser.helpText());
        return std::nullopt;
    }
    request.pid = *pid;
    request.dryRun = parser.isSet(dryRun);
    return request;
}

int run(const QStringList &arguments, bool stopping)
{
    int status = ExitOk;
    const QString what = stopping
            ? QStringLiteral("Pause process PID with SIGSTOP, after saying which pipes will back up.")
            : QStringLiteral("Resume process PID with SIGCONT, after saying which pipes will flow again.");
    const std::optional<Request> request = parse(arguments, what, &status);
    if (!request)
        return status;
    QTextStream out(stdout);
    QTextStream err(stderr);
    const char *name = stopping ? "stop" : "cont";
    const qint64 pid = request->pid;
    if (!processExists(pid))
        return noProcess(name, pid);
    const auto action = stopping ? ProcessControl::Action::Stop : ProcessControl::Action::Continue;
    const ProcessControl::Plan plan = ProcessControl::plan(ProcScanner().scan(), pid, action);
    out << (stopping ? "Stopping " : "Resuming ") << plan.processName << " with "
        << ProcessControl::signalName(action) << ".\n";
    if (plan.lines.isEmpty())
        out << "  it holds no pipe we can see\n";
    else
        out << (stopping ? "While it is stopped, it\n" : "Once it runs, it\n") << "  "
            << plan.lines.join(QStringLiteral("\n  ")) << '\n';
    if (request->dryRun)
        return ExitOk;
    Error error;
    if (!ProcessControl::send(plan.target, action, &error)) {
        err << "pipescope " << name << ": " << error.message() << '\n';
        return ExitFailure;
    }
    // The signal is asynchronous; confirm the state the kernel reports.
    if (!ProcessControl::waitForState(pid, action, 2000)) {
        err << "pipescope " << name << ": process " << pid << " did not " << (stopping ? "stop" : "resume") << '\n';
        return ExitFailure;
    }
    out << (stopping ? QStringLiteral("Stopped. Resume it with: pipescope cont %1\n").arg(pid)
                     : QStringLiteral("Resumed.\n"));
    return ExitOk;
}

int runStop(const QStringList &arguments)
{
    return run(arguments, true);
}

int runCont(const QStringList &arguments)
{
    return run(arguments, false);
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("stop", "Pause a process (SIGSTOP), saying which pipes will back up",
                           runStop)
PIPESCOPE_REGISTER_COMMAND("cont", "Resume a stopped process (SIGCONT)", runCont)

} // namespace PipeScope::App
