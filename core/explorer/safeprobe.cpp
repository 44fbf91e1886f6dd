#include "safeprobe.h"

#include "pipediagnostics.h"
#include "procscanner.h"

#include <QFile>

#include <algorithm>
#include <sys/stat.h>

namespace PipeScope {

namespace {

QString nameOf(const SystemSnapshot *snapshot, qint64 pid)
{
    return snapshot ? PipeDiagnostics::processName(*snapshot, pid) : QStringLiteral("pid %1").arg(pid);
}

QString noReaderReason(PipeKind kind)
{
    if (kind == PipeKind::Fifo) {
        return QStringLiteral("no process holds the read end; opening the FIFO would release a "
                              "writer blocked in open() and expose it to SIGPIPE");
    }
    return QStringLiteral("no process holds the read end; opening one would hide EPIPE from "
                          "the writers while it is open");
}

QStringList noticedBy(const ProbeRefusal &refusal, const SystemSnapshot *snapshot)
{
    QStringList sentences;
    for (const FifoOpener &opener : refusal.blockedOpeners) {
        sentences << QStringLiteral("%1 is blocked in open() to write it: opening it here would "
                                    "release it, and what it writes would be lost when we close")
                             .arg(nameOf(snapshot, opener.pid));
    }
    for (qint64 pid : refusal.writeEndHolders) {
        sentences << QStringLiteral("%1 holds its write end: while we held a read end its writes "
                                    "would not fail with EPIPE").arg(nameOf(snapshot, pid));
    }
    // Nobody we can see is not nobody: a process we may not inspect may hold it, bytes and all.
    if (sentences.isEmpty() && refusal.hiddenProcesses > 0)
        sentences << QStringLiteral("we cannot see who has it open, nor whether it holds bytes");
    else if (sentences.isEmpty())
        sentences << QStringLiteral("nobody has it open, so it holds no bytes");
    return sentences;
}

int deniedProcesses(const SystemSnapshot *snapshot)
{
    if (!snapshot)
        return 0;
    return int(std::count_if(snapshot->skipped.cbegin(), snapshot->skipped.cend(), [](const SkippedProcess &p) {
        return p.error.code() == EACCES || p.error.code() == EPERM;
    }));
}

bool sameInode(const PipeSample &sample, const PipeKey &key)
{
    return sample.inode == key.inode
            && (key.kind == PipeKind::Pipe ? !sample.isFifo : sample.isFifo && sample.device == key.device);
}

void measure(SafeProbeResult &result, const PipeProbe &probe, const SafeProbe::Options &options,
             const PipeSample &sample)
{
    result.probe = probe;
    result.sample = sample;
    if (!sample.ok) {
        result.error = sample.error;
        return;
    }
    if (options.peekBytes >= 0) {
        result.peeked = probe.peek(options.peekBytes, &result.peekError);
    }
}

SafeProbeResult direct(const PipeProbe &probe, const SafeProbe::Options &options)
{
    SafeProbeResult result;
    if (!options.sample) {
        result.probe = probe;
        return result;
    }
    measure(result, probe, options, probe.sample());
    return result;
}

/// The target's own fd is a read end: opening it again adds no reader anyone could notice.
bool isReadEndLink(const QByteArray &link)
{
    struct stat status = {};
    return ::lstat(link.constData(), &status) == 0
            && ProcParsers::modeFromLinkPermissions(status.st_mode).value_or(EndpointMode::Write) != EndpointMode::Write;
}

} // namespace

QString ProbeRefusal::text(const QString &name) const
{
    const QString unseen = hiddenProcesses == 0
            ? QString()
            : QStringLiteral(" (a reader may be among the %1 processes we may not inspect)").arg(hiddenProcesses);
    return QStringLiteral("%1: no process we can see holds its read end%2, so it is not opened: %3.")
            .arg(name, unseen, noticedBy.join(QStringLiteral("; ")));
}

std::optional<ProbeRefusal> SafeProbe::refusalFor(const PipeInfo *pipe, const SystemSnapshot *snapshot)
{
    if (pipe && pipe->hasReader())
        return std::nullopt;
    ProbeRefusal refusal;
    if (!pipe || pipe->endpoints.isEmpty()) {
        refusal.reason = QStringLiteral("nobody has it open yet: a FIFO has a buffer only while some "
                                        "process holds it open");
    } else {
        refusal.reason = noReaderReason(pipe->key.kind);
    }
    for (const FifoOpener &opener : pipe ? pipe->openers : QList<FifoOpener>()) {
        if (opener.mode != EndpointMode::Read)
            refusal.blockedOpeners << opener;
    }
    if (pipe)
        refusal.writeEndHolders = pipe->writerPids();
    refusal.hiddenProcesses = deniedProcesses(snapshot);
    refusal.noticedBy = noticedBy(refusal, snapshot);
    return refusal;
}

SafeProbeResult SafeProbe::probe(const PipeInfo &pipe, const Options &options, const SystemSnapshot *snapshot)
{
    SafeProbeResult result;
    if ((result.refusal = refusalFor(&pipe, snapshot))) {
        result.error = Error(result.refusal->reason);
        return result;
    }
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (!endpoint.reads())
            continue;
        const PipeProbe probe = PipeProbe::forProcessFd(endpoint.pid, endpoint.fd, options.procRoot);
        if (!options.sample)
            return direct(probe, options);
        const PipeSample sample = probe.sample();
        if (sample.ok && sameInode(sample, pipe.key)) {
            measure(result, probe, options, sample);
            return result;
        }
        result.error = sample.ok ? Error(QStringLiteral("fd %1 of process %2 was reused for another file")
                                                 .arg(endpoint.fd)
                                                 .arg(endpoint.pid))
                                 : sample.error;
    }
    result.sample.error = result.error;
    return result;
}

SafeProbeResult SafeProbe::probeTarget(const PipeProbe &target, const Options &options)
{
    if (target.target() == PipeProbe::Target::OwnFd)
        return direct(target, options); // the user handed us this fd: it is ours to open
    const bool procLink = target.target() == PipeProbe::Target::ProcessFd;
    const QString path = target.describe();
    const QByteArray encoded = QFile::encodeName(path);
    struct stat status = {};
    if (::stat(encoded.constData(), &status) != 0 || !S_ISFIFO(status.st_mode))
        return direct(target, options); // missing, or not a pipe: the probe says so in its words
    if (procLink && isReadEndLink(encoded))
        return direct(target, options);
    ScanOptions scan;
    scan.fillLevels = false; // states stay on: they find the processes blocked in open()
    const SystemSnapshot snapshot = ProcScanner(options.procRoot).scan(scan);
    // A FIFO is named by its file; an anonymous pipe by its pipefs inode alone (device 0).
    const PipeInfo *pipe = snapshot.pipe({ PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) });
    if (!pipe)
        pipe = snapshot.pipe({ PipeKind::Pipe, 0, quint64(status.st_ino) });
    SafeProbeResult result;
    if (pipe) {
        result = probe(*pipe, options, &snapshot);
        result.pipe = *pipe;
    } else {
        result.refusal = refusalFor(nullptr, &snapshot);
    }
    if (result.refusal)
        result.error = Error(result.refusal->text(procLink ? path : target.fifoPath()));
    return result;
}

} // namespace PipeScope
