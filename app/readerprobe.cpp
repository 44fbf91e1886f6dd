#include "readerprobe.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/procparsers.h>
#include <pipescope/procscanner.h>
#include <pipescope/sys.h>

#include <QFile>
#include <QStringList>

#include <algorithm>
#include <sys/stat.h>

namespace PipeScope::App {

namespace {

/// Why nobody may open \a pipe's read end here, naming the processes it would affect.
QString whoWouldNotice(const SystemSnapshot &snapshot, const PipeInfo *pipe)
{
    QStringList effects;
    for (const FifoOpener &opener : pipe ? pipe->openers : QList<FifoOpener>()) {
        if (opener.mode != EndpointMode::Read)
            effects << QStringLiteral("%1 is blocked in open() to write it: opening it here would "
                                      "release it, and what it writes would be lost when we close")
                               .arg(PipeDiagnostics::processName(snapshot, opener.pid));
    }
    for (qint64 pid : pipe ? pipe->writerPids() : QList<qint64>()) {
        effects << QStringLiteral("%1 holds its write end: while we held a read end its writes "
                                  "would not fail with EPIPE").arg(PipeDiagnostics::processName(snapshot, pid));
    }
    if (effects.isEmpty())
        effects << QStringLiteral("nobody has it open, so it holds no bytes");
    return effects.join(QStringLiteral("; "));
}

/// Why \a name is not opened: nobody visible reads it, and who would notice if we did.
QString refusal(const QString &name, const SystemSnapshot &snapshot, const PipeInfo *pipe)
{
    const auto denied = std::count_if(snapshot.skipped.cbegin(), snapshot.skipped.cend(), [](const SkippedProcess &p) {
        return p.error == EACCES || p.error == EPERM;
    });
    const QString unseen = denied == 0 ? QString()
                                       : QStringLiteral(" (a reader may be among the %1 processes we may not inspect)").arg(denied);
    return QStringLiteral("%1: no process we can see holds its read end%2, so it is not opened: %3. "
                          "Use --open-anyway to open it all the same.")
            .arg(name, unseen, whoWouldNotice(snapshot, pipe));
}

} // namespace

std::optional<PipeProbe> probeThroughReader(const PipeProbe &requested, QString *error)
{
    if (requested.target() == PipeProbe::Target::OwnFd)
        return requested; // the user handed us this fd: it is ours to open
    const bool procLink = requested.target() == PipeProbe::Target::ProcessFd;
    const QString path = requested.describe();
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0 || !S_ISFIFO(status.st_mode))
        return requested; // missing, or not a pipe: the probe reports it in its own words
    if (procLink) {
        struct stat link = {};
        if (::lstat(QFile::encodeName(path).constData(), &link) == 0
            && ProcParsers::modeFromLinkPermissions(link.st_mode).value_or(EndpointMode::Write) != EndpointMode::Write)
            return requested; // a read end: opening it again adds no reader the writers could notice
    }
    ScanOptions options;
    options.fillLevels = false; // states stay on: they find the processes blocked in open()
    const SystemSnapshot snapshot = ProcScanner().scan(options);
    // A FIFO is named by its file; an anonymous pipe by its pipefs inode alone (device 0).
    const PipeInfo *pipe = snapshot.pipe({ PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) });
    if (!pipe)
        pipe = snapshot.pipe({ PipeKind::Pipe, 0, quint64(status.st_ino) });
    for (const PipeEndpoint &endpoint : pipe ? pipe->endpoints : QList<PipeEndpoint>()) {
        if (endpoint.reads())
            return PipeProbe::forProcessFd(endpoint.pid, endpoint.fd);
    }
    *error = refusal(procLink ? path : requested.fifoPath(), snapshot, pipe);
    return std::nullopt;
}

} // namespace PipeScope::App
