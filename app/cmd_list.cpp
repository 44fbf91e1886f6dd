// pipescope list: every pipe and FIFO on the machine that we may inspect, with its endpoints,
// fill level and diagnostics.
#include "command.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/procscanner.h>
#include <pipescope/snapshotformat.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

#include <cstring>
#include <unistd.h>

namespace PipeScope::App {

namespace {

/// Why a scan read nothing: the /proc root's open error, else the first process's.
QString scanFailure(const SystemSnapshot &snapshot, const QString &root)
{
    auto errnoName = [](int error) {
        const char *name = ::strerrorname_np(error);
        return name ? QLatin1String(name) : QLatin1String("?");
    };
    if (snapshot.rootError != 0)
        return QStringLiteral("open %1: %2 (%3)")
                .arg(root, QString::fromLocal8Bit(std::strerror(snapshot.rootError)), errnoName(snapshot.rootError));
    if (snapshot.skipped.isEmpty())
        return QStringLiteral("it lists no process");
    const SkippedProcess &first = snapshot.skipped.constFirst();
    return QStringLiteral("process %1: %2 (%3)").arg(first.pid).arg(first.error.message(), errnoName(first.error.code()));
}

int runList(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "List every pipe and FIFO held by a process we may inspect: endpoints (pid, fd, "
            "command, r/w, state), queued bytes and capacity, and diagnostics.\n"
            "Without --all, self-pipes (one process holding both ends) and pipescope's own "
            "pipes are left out."));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption pid(QStringLiteral("pid"),
                                 QStringLiteral("Only pipes that process PID holds an end of."),
                                 QStringLiteral("PID"));
    const QCommandLineOption all(QStringLiteral("all"),
                                 QStringLiteral("Also self-pipes and pipescope's own pipes."));
    parser.addOptions({ json, pid, all });
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), parser.helpText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()),
                          parser.helpText());
    qint64 onlyPid = -1;
    if (parser.isSet(pid)) {
        QString error;
        const std::optional<qint64> checked = parsePid(parser.value(pid), QStringLiteral("--pid"), &error);
        if (!checked)
            return usageError(error, parser.helpText());
        onlyPid = *checked;
        if (!processExists(onlyPid))
            return noProcess("list", onlyPid);
    }

    const ProcScanner scanner;
    SystemSnapshot snapshot = scanner.scan();
    PipeDiagnostics::annotate(snapshot);
    if (snapshot.processesScanned == 0) {
        QTextStream(stderr) << "pipescope list: could not read any process in " << scanner.root()
                            << ": " << scanFailure(snapshot, scanner.root()) << '\n';
        return ExitFailure;
    }
    const SnapshotFormat::PipeFilter include =
            SnapshotFormat::cliFilter(onlyPid, parser.isSet(all), ::getpid());
    QTextStream out(stdout);
    if (parser.isSet(json)) {
        out << QJsonDocument(SnapshotFormat::toJson(snapshot, include)).toJson(QJsonDocument::Compact)
            << '\n';
        return ExitOk;
    }
    int shown = 0;
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (!include(pipe))
            continue;
        out << SnapshotFormat::pipeText(snapshot, pipe) << '\n';
        ++shown;
    }
    out << SnapshotFormat::summary(snapshot, shown) << '\n';
    return ExitOk;
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("list", "List every pipe and FIFO, its endpoints, fill and diagnostics",
                           runList)

} // namespace PipeScope::App
