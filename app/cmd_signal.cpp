// pipescope stop PID / pipescope cont PID: pause or resume one stage of a pipeline with
// SIGSTOP/SIGCONT, saying first what will back up (the pipes it reads fill, the readers of the
// pipes it writes run dry) and then confirming the new state.
#include "command.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/processstate.h>
#include <pipescope/procscanner.h>
#include <pipescope/snapshotformat.h>

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QTextStream>
#include <QThread>

#include <csignal>
#include <cstring>

namespace PipeScope::App {

namespace {

struct Request
{
    qint64 pid = 0;
    bool dryRun = false;
};

QString others(const SystemSnapshot &snapshot, const PipeInfo &pipe, qint64 self, bool writers)
{
    QStringList names;
    for (qint64 pid : writers ? pipe.writerPids() : pipe.readerPids()) {
        if (pid != self)
            names << PipeDiagnostics::processName(snapshot, pid);
    }
    return names.isEmpty() ? QStringLiteral("nobody else") : names.join(QStringLiteral(", "));
}

QString room(const PipeInfo &pipe)
{
    if (!pipe.queued || !pipe.capacity)
        return QStringLiteral("fill level unknown: %1").arg(pipe.unreachableReason);
    return QStringLiteral("%1 of %2 bytes queued").arg(*pipe.queued).arg(*pipe.capacity);
}

/// One line per pipe end the process holds: what stopping (or resuming) it does there.
QStringList effects(const SystemSnapshot &snapshot, qint64 pid, bool stopping)
{
    QStringList lines;
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const PipeEndpoint &endpoint : pipe.endpoints) {
            if (endpoint.pid != pid)
                continue;
            const QString where = QStringLiteral("%1 (fd %2, %3)")
                                          .arg(SnapshotFormat::pipeTitle(pipe))
                                          .arg(endpoint.fd)
                                          .arg(room(pipe));
            if (endpoint.reads()) {
                lines << (stopping ? QStringLiteral("  reads %1 written by %2: its writers block once it is full")
                                   : QStringLiteral("  reads %1 written by %2: the queued bytes drain again"))
                                 .arg(where, others(snapshot, pipe, pid, true));
            }
            if (endpoint.writes()) {
                lines << (stopping ? QStringLiteral("  writes %1 read by %2: its readers wait once it is empty")
                                   : QStringLiteral("  writes %1 read by %2: they get data again"))
                                 .arg(where, others(snapshot, pipe, pid, false));
            }
        }
    }
    return lines;
}

char stateLetter(qint64 pid)
{
    return ProcessState::read(pid, QStringLiteral("/proc"), ProcessState::Files::StatOnly).state();
}

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
    bool ok = false;
    request.pid = parser.positionalArguments().value(0).toLongLong(&ok);
    if (parser.positionalArguments().size() != 1 || !ok || request.pid <= 0) {
        *status = usageError(QStringLiteral("expected one PID"), parser.helpText());
        return std::nullopt;
    }
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
    if (stateLetter(request->pid) == 0) {
        err << "pipescope " << name << ": no process " << request->pid << '\n';
        return ExitFailure;
    }
    SystemSnapshot snapshot = ProcScanner().scan();
    const qint64 pid = request->pid;
    const QString process = PipeDiagnostics::processName(snapshot, pid);
    const QStringList lines = effects(snapshot, pid, stopping);
    out << (stopping ? "Stopping " : "Resuming ") << process << " with "
        << (stopping ? "SIGSTOP" : "SIGCONT") << ".\n";
    if (lines.isEmpty())
        out << "  it holds no pipe we can see\n";
    else
        out << (stopping ? "While it is stopped, it\n" : "Once it runs, it\n") << lines.join(u'\n') << '\n';
    if (request->dryRun)
        return ExitOk;
    if (::kill(pid_t(pid), stopping ? SIGSTOP : SIGCONT) != 0) {
        err << "pipescope " << name << ": kill " << pid << ": " << std::strerror(errno) << '\n';
        return ExitFailure;
    }
    // The signal is asynchronous; confirm the state the kernel reports.
    const QDeadlineTimer deadline(2000);
    const auto done = [&] { return (stateLetter(pid) == 'T') == stopping; };
    while (!done() && !deadline.hasExpired())
        QThread::msleep(5);
    if (!done()) {
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
