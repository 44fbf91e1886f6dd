// libFuzzer harness: snapshot → JSON → parse. A snapshot is built from the input (process
// names and command lines are what any user chooses; pids, fds and fills are numbers the
// scanner read), diagnosed, written as `pipescope list --json` does, parsed back and compared;
// the terminal text must hold no raw control character.
#include "fuzzsupport.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <QJsonDocument>

#include <cstdint>

using namespace PipeScope;

namespace {

QString fuzzedText(FuzzedDataProvider &input)
{
    const std::string bytes = input.ConsumeRandomLengthString(64);
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

ProcessInfo fuzzedProcess(FuzzedDataProvider &input, qint64 pid)
{
    ProcessInfo process;
    process.pid = pid;
    process.comm = fuzzedText(input);
    const int arguments = input.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < arguments; ++i)
        process.arguments << fuzzedText(input);
    process.command = ProcParsers::commandLine(process.arguments, process.comm);
    process.statKnown = input.ConsumeBool();
    process.runState = input.PickValueInArray({ 'R', 'S', 'D', 'T', 't', 'Z', '?' });
    process.wchan = fuzzedText(input);
    process.wait = ProcParsers::classifyWchan(process.wchan);
    return process;
}

PipeEndpoint fuzzedEndpoint(FuzzedDataProvider &input, qint64 pid)
{
    PipeEndpoint endpoint;
    endpoint.pid = pid;
    endpoint.fd = input.ConsumeIntegralInRange(0, 1 << 20);
    endpoint.mode = input.PickValueInArray({ EndpointMode::Read, EndpointMode::Write,
                                             EndpointMode::ReadWrite });
    endpoint.state = EndpointState(input.ConsumeIntegralInRange(0, int(EndpointState::Zombie)));
    endpoint.stateSinceMs = input.ConsumeIntegralInRange<qint64>(-1, 1 << 30);
    return endpoint;
}

PipeInfo fuzzedPipe(FuzzedDataProvider &input, const QList<qint64> &pids, int index)
{
    PipeInfo pipe;
    pipe.key.kind = input.ConsumeBool() ? PipeKind::Fifo : PipeKind::Pipe;
    pipe.key.device = pipe.key.kind == PipeKind::Fifo ? input.ConsumeIntegral<quint32>() : 0;
    pipe.key.inode = quint64(index) + 1; // keys are unique within a scan
    if (pipe.key.kind == PipeKind::Fifo) {
        pipe.path = fuzzedText(input);
        pipe.deleted = input.ConsumeBool();
    }
    if (input.ConsumeBool()) {
        pipe.capacity = input.ConsumeIntegralInRange<qint64>(4096, 1 << 20);
        pipe.queued = input.ConsumeIntegralInRange<qint64>(0, *pipe.capacity);
    } else {
        // Reasons are the scanner's own words (strerror and a /proc path), not outside text.
        pipe.unreachableReason = QStringLiteral("open /proc/1/fd/3: Permission denied");
    }
    const int endpoints = input.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < endpoints && !pids.isEmpty(); ++i)
        pipe.endpoints << fuzzedEndpoint(input, pids.at(input.ConsumeIntegralInRange<int>(0, int(pids.size()) - 1)));
    if (pipe.key.kind == PipeKind::Fifo && input.ConsumeBool() && !pids.isEmpty()) {
        FifoOpener opener;
        opener.pid = pids.at(input.ConsumeIntegralInRange<int>(0, int(pids.size()) - 1));
        opener.tid = opener.pid;
        opener.mode = input.ConsumeBool() ? EndpointMode::Read : EndpointMode::Write;
        opener.sinceMs = input.ConsumeIntegralInRange<qint64>(-1, 1 << 30);
        pipe.openers << opener;
    }
    return pipe;
}

SystemSnapshot fuzzedSnapshot(FuzzedDataProvider &input)
{
    SystemSnapshot snapshot;
    snapshot.timestampMs = input.ConsumeIntegralInRange<qint64>(0, 1LL << 40);
    QList<qint64> pids;
    const int processes = input.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < processes; ++i) {
        const qint64 pid = input.ConsumeIntegralInRange<qint64>(1, 4194304);
        snapshot.processes.insert(pid, fuzzedProcess(input, pid));
        pids << pid;
    }
    const int pipes = input.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < pipes; ++i)
        snapshot.pipes << fuzzedPipe(input, pids, i);
    snapshot.processesScanned = processes;
    snapshot.processesSkipped = input.ConsumeIntegralInRange(0, 3);
    snapshot.nestedPidNamespace = input.ConsumeBool();
    return snapshot;
}

// The same snapshot with every '%' of the text processes and FIFO makers chose turned into
// '@' (shellWord() leaves both unquoted). Both must read the same once '%' is shown as '@':
// a difference means a QString::arg() call replaced a "%1" inside outside text.
QString percentsAsAt(QString text)
{
    return text.replace(u'%', u'@');
}

SystemSnapshot withoutPercents(SystemSnapshot snapshot)
{
    for (ProcessInfo &process : snapshot.processes) {
        process.comm = percentsAsAt(process.comm);
        for (QString &argument : process.arguments)
            argument = percentsAsAt(argument);
        process.command = percentsAsAt(process.command);
        process.wchan = percentsAsAt(process.wchan);
    }
    for (PipeInfo &pipe : snapshot.pipes)
        pipe.path = percentsAsAt(pipe.path);
    return snapshot;
}

void checkNoPlaceMarkerReplaced(const SystemSnapshot &snapshot, const SystemSnapshot &plain)
{
    for (qsizetype i = 0; i < snapshot.pipes.size(); ++i) {
        FUZZ_CHECK(percentsAsAt(SnapshotFormat::pipeText(snapshot, snapshot.pipes.at(i)))
                           == SnapshotFormat::pipeText(plain, plain.pipes.at(i)).replace(u'%', u'@'),
                   "a '%' in a process name, command or path changed the text around it");
    }
}

bool holdsControlCharacter(const QString &text)
{
    for (QChar c : text) {
        if (c != u'\n' && (c.unicode() < 0x20 || c.unicode() == 0x7f))
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    SystemSnapshot snapshot = fuzzedSnapshot(input);
    SystemSnapshot plain = withoutPercents(snapshot);
    PipeDiagnostics::annotate(snapshot, snapshot.timestampMs + 5000);
    PipeDiagnostics::annotate(plain, plain.timestampMs + 5000);
    checkNoPlaceMarkerReplaced(snapshot, plain);

    const QJsonObject json = SnapshotFormat::toJson(snapshot);
    const QByteArray text = QJsonDocument(json).toJson(QJsonDocument::Compact);
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(text, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError, "the snapshot's JSON does not parse");
    FUZZ_CHECK(parsed.object() == json, "the snapshot's JSON parses into something else");

    for (const PipeInfo &pipe : std::as_const(snapshot.pipes)) {
        const QString shown = SnapshotFormat::pipeText(snapshot, pipe);
        FUZZ_CHECK(!holdsControlCharacter(shown), "pipe text shows a raw control character");
        const QString title = SnapshotFormat::pipeTitle(pipe);
        FUZZ_CHECK(!holdsControlCharacter(title), "pipe title shows a raw control character");
        FUZZ_CHECK(title.contains(SnapshotFormat::escaped(pipe.path)),
                   "pipe title does not show the FIFO's path as it is");
    }
    const QString summary = SnapshotFormat::summary(snapshot, int(snapshot.pipes.size()));
    FUZZ_CHECK(!holdsControlCharacter(summary), "summary shows a raw control character");
    return 0;
}
