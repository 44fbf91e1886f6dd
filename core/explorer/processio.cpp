#include "processio.h"

#include "flowcounters.h"
#include "procdirectory.h"
#include "sys.h"

#include <QFile>

#include <algorithm>

#include <fcntl.h>

namespace PipeScope::ProcessIo {

namespace {

/// Whether \a pid holds an end of another pipe in the same direction as \a writes.
bool usesOtherPipe(const SystemSnapshot &snapshot, const PipeKey &key, qint64 pid, bool writes)
{
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (pipe.key == key)
            continue;
        for (const PipeEndpoint &end : pipe.endpoints) {
            if (end.pid == pid && (writes ? end.writes() : end.reads()))
                return true;
        }
    }
    return false;
}

double pipeRate(const SystemSnapshot &snapshot, const PipeInfo &pipe)
{
    const QList<qint64> writers = pipe.writerPids(), readers = pipe.readerPids();
    if (writers.size() != 1 || readers.size() != 1 || writers.first() == readers.first())
        return -1;
    const ProcessInfo *writer = snapshot.process(writers.first());
    const ProcessInfo *reader = snapshot.process(readers.first());
    if (!writer || !reader)
        return -1;
    // The scope's host (a lesson, i.e. PipeScope) counts its own work, its scans' reads of /proc
    // and its log, on fds out of scope: its counters never measure a lesson's pipe.
    const double wrote = writer->pid == snapshot.host ? -1 : writer->writeRate;
    const double read = reader->pid == snapshot.host ? -1 : reader->readRate;
    const FlowCounters::End out { wrote >= 0, usesOtherPipe(snapshot, pipe.key, writer->pid, true),
                                  wrote >= 0 && read >= 0 && FlowCounters::lags(quint64(wrote), quint64(read)) };
    const FlowCounters::End in { read >= 0, usesOtherPipe(snapshot, pipe.key, reader->pid, false),
                                 wrote >= 0 && read >= 0 && FlowCounters::lags(quint64(read), quint64(wrote)) };
    switch (FlowCounters::choose(out, in)) {
    case FlowCounters::Side::Writer:
        return wrote;
    case FlowCounters::Side::Reader:
        return read;
    case FlowCounters::Side::None:
        break;
    }
    return -1;
}

} // namespace

void read(SystemSnapshot &snapshot, const QString &procRoot)
{
    const Fd root(Sys::open(QFile::encodeName(procRoot).constData(), O_RDONLY | O_DIRECTORY));
    if (!root)
        return;
    for (ProcessInfo &process : snapshot.processes) {
        const QByteArray path = QByteArray::number(process.pid) + "/io";
        if (const auto text = ProcDirectory::readSmallFile(root.get(), path.constData(), nullptr))
            process.io = ProcParsers::parseIo(*text);
    }
}

void setPipeRates(SystemSnapshot &snapshot)
{
    for (ProcessInfo &process : snapshot.processes)
        process.flowRate = std::max(process.readRate, process.writeRate);
    for (PipeInfo &pipe : snapshot.pipes) {
        pipe.rate = pipeRate(snapshot, pipe);
        for (const PipeEndpoint &end : std::as_const(pipe.endpoints)) {
            const auto process = snapshot.processes.find(end.pid);
            if (process != snapshot.processes.end())
                process->flowRate = std::max(process->flowRate, pipe.rate);
        }
    }
}

} // namespace PipeScope::ProcessIo
