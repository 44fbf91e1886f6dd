#include "pipediagnostics.h"

#include "waitgraph.h"

#include <QFileInfo>

#include <algorithm>

namespace PipeScope {

namespace {

using Severity = Diagnostic::Severity;
using Kind = Diagnostic::Kind;

constexpr int PipeBuf = 4096; // PIPE_BUF on Linux: larger writes are not atomic (pipe(7))

QString pipeName(const SystemSnapshot &snapshot, const PipeKey &key)
{
    if (key.kind == PipeKind::Fifo) {
        const PipeInfo *pipe = snapshot.pipe(key);
        if (pipe && !pipe->path.isEmpty())
            return QStringLiteral("FIFO %1").arg(pipe->path);
        return QStringLiteral("FIFO (inode %1)").arg(key.inode);
    }
    return QStringLiteral("pipe %1").arg(key.inode);
}

QString sleepActivity(const ProcessInfo &process)
{
    const QString &wchan = process.wchan;
    if (process.wait == WaitKind::Poll || wchan.contains(u"epoll"))
        return QStringLiteral("is waiting in poll/select/epoll for other input");
    if (wchan == u"do_wait" || wchan.startsWith(u"kernel_wait"))
        return QStringLiteral("is waiting for a child process to exit");
    if (wchan.contains(u"nanosleep"))
        return QStringLiteral("is asleep (sleep/nanosleep)");
    if (wchan.startsWith(u"futex"))
        return QStringLiteral("is waiting on a lock (futex)");
    if (!wchan.isEmpty())
        return QStringLiteral("is asleep in the kernel (%1)").arg(wchan);
    return QStringLiteral("is asleep");
}

QString secondsText(qint64 ms)
{
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 min").arg(ms / 60'000);
}

QString groupList(const QSet<qint64> &groups)
{
    QList<qint64> sorted(groups.cbegin(), groups.cend());
    std::sort(sorted.begin(), sorted.end());
    QStringList parts;
    for (qint64 group : sorted)
        parts << QString::number(group);
    return parts.join(QStringLiteral(", "));
}

class Analysis
{
public:
    Analysis(const SystemSnapshot &snapshot, qint64 now);
    QList<Diagnostic> run();

private:
    void writerBlocked(const PipeInfo &pipe);
    void openEnds(const PipeInfo &pipe);
    void readerHoldsWriteEnd(const PipeInfo &pipe);
    void outsiderWriters(const PipeInfo &pipe);
    void loneOutsiderWriter(const PipeInfo &pipe);
    void multipleWriters(const PipeInfo &pipe);
    void deadlocks();
    void selfWait(const WaitGraph::Wait &wait);
    void stalledReaders();
    void add(Severity severity, Kind kind, const PipeKey &pipe, const QString &text,
             const QList<QPair<qint64, int>> &endpoints);
    QString endpointName(qint64 pid, int fd) const;
    QString blockedFor(const PipeInfo &pipe, qint64 pid, int fd) const;
    QString helpersText(const QList<qint64> &pids) const;
    int writeOnlyFd(const PipeInfo &pipe, qint64 pid) const;
    QSet<qint64> groupsExcept(const PipeInfo &pipe, qint64 pid, bool readersOnly) const;
    bool isParentOrChildOfAny(qint64 pid, const QList<qint64> &readers) const;
    bool anyInState(const PipeInfo &pipe, EndpointState state) const;
    QString waitText(const WaitGraph::Wait &wait) const;

    const SystemSnapshot &m_snapshot;
    qint64 m_now;
    WaitGraph m_graph;
    QSet<qint64> m_inCycles;
    bool m_permissionGaps = false;
    QList<Diagnostic> m_out;
};

Analysis::Analysis(const SystemSnapshot &snapshot, qint64 now)
    : m_snapshot(snapshot), m_now(now), m_graph(snapshot)
{
    for (const SkippedProcess &skipped : snapshot.skipped)
        m_permissionGaps = m_permissionGaps || skipped.error == EACCES || skipped.error == EPERM;
}

QList<Diagnostic> Analysis::run()
{
    deadlocks();
    stalledReaders();
    for (const PipeInfo &pipe : m_snapshot.pipes) {
        writerBlocked(pipe);
        openEnds(pipe);
        readerHoldsWriteEnd(pipe);
        outsiderWriters(pipe);
        loneOutsiderWriter(pipe);
        multipleWriters(pipe);
    }
    std::stable_sort(m_out.begin(), m_out.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return int(a.severity) > int(b.severity);
    });
    return m_out;
}

void Analysis::add(Severity severity, Kind kind, const PipeKey &pipe, const QString &text,
                   const QList<QPair<qint64, int>> &endpoints)
{
    Diagnostic diagnostic;
    diagnostic.severity = severity;
    diagnostic.kind = kind;
    diagnostic.pipe = pipe;
    diagnostic.text = text;
    diagnostic.endpoints = endpoints;
    m_out << diagnostic;
}

QString Analysis::endpointName(qint64 pid, int fd) const
{
    QString name = PipeDiagnostics::processName(m_snapshot, pid);
    name.chop(1); // "`x` (pid 1)" -> "`x` (pid 1, fd 3)"
    return name + QStringLiteral(", fd %1)").arg(fd);
}

QString Analysis::blockedFor(const PipeInfo &pipe, qint64 pid, int fd) const
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == pid && endpoint.fd == fd && endpoint.stateSinceMs >= 0
            && m_now - endpoint.stateSinceMs >= 1000)
            return QStringLiteral(" for %1").arg(secondsText(m_now - endpoint.stateSinceMs));
    }
    return QString();
}

QString Analysis::helpersText(const QList<qint64> &pids) const
{
    QStringList parts;
    for (qint64 pid : pids)
        parts << PipeDiagnostics::processName(m_snapshot, pid) + u' '
                        + PipeDiagnostics::activity(m_snapshot, pid);
    return parts.join(QStringLiteral("; "));
}

int Analysis::writeOnlyFd(const PipeInfo &pipe, qint64 pid) const
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == pid && endpoint.mode == EndpointMode::Write)
            return endpoint.fd;
    }
    return -1;
}

void Analysis::writerBlocked(const PipeInfo &pipe)
{
    const QList<qint64> readers = pipe.readerPids();
    for (const PipeEndpoint &writer : pipe.endpoints) {
        if (writer.state != EndpointState::BlockedWrite)
            continue;
        QString fill;
        if (pipe.queued && pipe.capacity) {
            fill = QStringLiteral(" (%1 of %2 bytes queued%3)")
                           .arg(*pipe.queued)
                           .arg(*pipe.capacity)
                           .arg(*pipe.queued < *pipe.capacity ? QStringLiteral("; its page slots are full")
                                                             : QString());
        }
        QString why = readers.isEmpty() ? QStringLiteral("no reader we can see")
                                        : (readers.size() == 1 ? QStringLiteral("reader ")
                                                               : QStringLiteral("readers: "))
                        + helpersText(readers);
        QList<QPair<qint64, int>> involved { { writer.pid, writer.fd } };
        for (const PipeEndpoint &reader : pipe.endpoints) {
            if (reader.reads())
                involved << qMakePair(reader.pid, reader.fd);
        }
        add(Severity::Warning, Kind::WriterBlockedOnFullPipe, pipe.key,
            QStringLiteral("writer %1 blocked%2 on a full pipe%3: %4")
                    .arg(endpointName(writer.pid, writer.fd),
                         blockedFor(pipe, writer.pid, writer.fd), fill, why),
            involved);
    }
}

bool Analysis::anyInState(const PipeInfo &pipe, EndpointState state) const
{
    return std::any_of(pipe.endpoints.cbegin(), pipe.endpoints.cend(),
                       [state](const PipeEndpoint &endpoint) { return endpoint.state == state; });
}

void Analysis::openEnds(const PipeInfo &pipe)
{
    QString caveat;
    if (m_snapshot.nestedPidNamespace)
        caveat = QStringLiteral(" (unless a process outside this PID namespace holds one)");
    else if (m_permissionGaps)
        caveat = QStringLiteral(" (unless a process we may not inspect holds one)");
    // A blocked writer proves a reader exists (and a blocked reader a writer): it is one we
    // cannot see, in another PID namespace or not ours.
    if (pipe.hasWriter() && !pipe.hasReader()) {
        if (anyInState(pipe, EndpointState::BlockedWrite)) {
            add(Severity::Info, Kind::NoReader, pipe.key,
                QStringLiteral("its reader is not visible (another PID namespace, or a process "
                               "we may not inspect)"),
                {});
            return;
        }
        add(Severity::Warning, Kind::NoReader, pipe.key,
            QStringLiteral("no reader left: the next write gets EPIPE, or SIGPIPE kills a writer "
                           "that does not ignore it")
                    + caveat,
            {});
    } else if (pipe.hasReader() && !pipe.hasWriter()) {
        if (anyInState(pipe, EndpointState::BlockedRead)) {
            add(Severity::Info, Kind::NoWriter, pipe.key,
                QStringLiteral("its writer is not visible (another PID namespace, or a process "
                               "we may not inspect)"),
                {});
            return;
        }
        QString when = QStringLiteral("once the queued bytes are read");
        if (pipe.queued)
            when = *pipe.queued > 0 ? QStringLiteral("after the %1 queued bytes").arg(*pipe.queued)
                                    : QStringLiteral("on their next read");
        add(Severity::Info, Kind::NoWriter, pipe.key,
            QStringLiteral("no writer left: readers get EOF %1").arg(when) + caveat, {});
    }
}

void Analysis::readerHoldsWriteEnd(const PipeInfo &pipe)
{
    // Only when another process writes without reading: where every holder has both ends (a
    // make jobserver, a self-pipe) nobody waits for EOF.
    const QList<qint64> readers = pipe.readerPids();
    const QList<qint64> writers = pipe.writerPids();
    if (std::all_of(writers.cbegin(), writers.cend(),
                    [&](qint64 writer) { return readers.contains(writer); }))
        return;
    for (qint64 reader : readers) {
        const int fd = writeOnlyFd(pipe, reader);
        if (fd < 0)
            continue;
        add(Severity::Warning, Kind::LeakedWriteEnd, pipe.key,
            QStringLiteral("%1 reads this pipe but also holds a write end (fd %2): when the other "
                           "writers finish it still sees no EOF, until it closes fd %2")
                    .arg(PipeDiagnostics::processName(m_snapshot, reader))
                    .arg(fd),
            { { reader, fd } });
    }
}

bool Analysis::isParentOrChildOfAny(qint64 pid, const QList<qint64> &readers) const
{
    // A parent feeding its child's stdin, or a child writing to the parent that reads its
    // stdout (subprocess pipes), is part of the pipeline even when one of them runs in its own
    // process group or session. A leaked holder is usually further away: a daemon re-parented
    // to init or a subreaper.
    const ProcessInfo *self = m_snapshot.process(pid);
    return std::any_of(readers.cbegin(), readers.cend(), [&](qint64 reader) {
        const ProcessInfo *process = m_snapshot.process(reader);
        return (process && process->ppid == pid) || (self && self->ppid == reader);
    });
}

QSet<qint64> Analysis::groupsExcept(const PipeInfo &pipe, qint64 pid, bool readersOnly) const
{
    QSet<qint64> groups;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        const ProcessInfo *other = m_snapshot.process(endpoint.pid);
        if (endpoint.pid != pid && other && (!readersOnly || endpoint.reads()))
            groups.insert(other->pgrp);
    }
    return groups;
}

void Analysis::outsiderWriters(const PipeInfo &pipe)
{
    const QList<qint64> writers = pipe.writerPids();
    const QList<qint64> readers = pipe.readerPids();
    if (writers.size() < 2)
        return;
    for (qint64 writer : writers) {
        const ProcessInfo *process = m_snapshot.process(writer);
        const QSet<qint64> others = groupsExcept(pipe, writer, false);
        if (!process || readers.contains(writer) || others.isEmpty()
            || others.contains(process->pgrp) || isParentOrChildOfAny(writer, readers))
            continue;
        const int fd = writeOnlyFd(pipe, writer);
        add(Severity::Warning, Kind::LeakedWriteEnd, pipe.key,
            QStringLiteral("%1 holds a write end but is not part of the pipeline (process group "
                           "%2; the other holders are in %3): readers see EOF only after it "
                           "closes fd %4 or exits")
                    .arg(endpointName(writer, fd))
                    .arg(process->pgrp)
                    .arg(groupList(others))
                    .arg(fd),
            { { writer, fd } });
    }
}

void Analysis::loneOutsiderWriter(const PipeInfo &pipe)
{
    const QList<qint64> writers = pipe.writerPids();
    if (writers.size() != 1 || pipe.readerPids().contains(writers[0]))
        return;
    const qint64 writer = writers[0];
    const ProcessInfo *process = m_snapshot.process(writer);
    const QSet<qint64> readerGroups = groupsExcept(pipe, writer, true);
    if (!process || readerGroups.isEmpty() || readerGroups.contains(process->pgrp)
        || isParentOrChildOfAny(writer, pipe.readerPids()))
        return;
    const int fd = writeOnlyFd(pipe, writer);
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == writer && (endpoint.state == EndpointState::Running
                                       || endpoint.state == EndpointState::BlockedWrite))
            return; // it is producing: a legitimate writer in its own process group
    }
    for (const PipeEndpoint &reader : pipe.endpoints) {
        if (reader.state != EndpointState::BlockedRead)
            continue;
        add(Severity::Warning, Kind::LeakedWriteEnd, pipe.key,
            QStringLiteral("reader %1 waits%2 on an empty pipe whose only writer %3 is outside "
                           "its process group (%4, the reader's is %5) and %6: if it inherited "
                           "the write end by accident, the reader never sees EOF")
                    .arg(endpointName(reader.pid, reader.fd),
                         blockedFor(pipe, reader.pid, reader.fd), endpointName(writer, fd))
                    .arg(process->pgrp)
                    .arg(groupList(readerGroups))
                    .arg(PipeDiagnostics::activity(m_snapshot, writer).mid(3)),
            { { reader.pid, reader.fd }, { writer, fd } });
        return;
    }
}

void Analysis::multipleWriters(const PipeInfo &pipe)
{
    const QList<qint64> writers = pipe.writerPids();
    if (writers.size() < 2)
        return;
    QStringList names;
    for (qint64 pid : writers.mid(0, 4))
        names << PipeDiagnostics::processName(m_snapshot, pid);
    if (writers.size() > 4)
        names << QStringLiteral("%1 more").arg(writers.size() - 4);
    QList<QPair<qint64, int>> involved;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.writes())
            involved << qMakePair(endpoint.pid, endpoint.fd);
    }
    add(Severity::Info, Kind::MultipleWriters, pipe.key,
        QStringLiteral("%1 processes hold the write end (%2): writes larger than %3 bytes "
                       "(PIPE_BUF) from different writers may interleave")
                .arg(writers.size())
                .arg(names.join(QStringLiteral(", ")))
                .arg(PipeBuf),
        involved);
}

QString Analysis::waitText(const WaitGraph::Wait &wait) const
{
    const QString verb = wait.writing ? QStringLiteral("waits to write %1, read only by %2")
                                      : QStringLiteral("waits to read %1, written only by %2");
    QStringList helpers;
    for (qint64 pid : wait.helpers)
        helpers << PipeDiagnostics::processName(m_snapshot, pid);
    return PipeDiagnostics::processName(m_snapshot, wait.pid) + u' '
            + verb.arg(pipeName(m_snapshot, wait.pipe), helpers.join(QStringLiteral(" and ")));
}

void Analysis::deadlocks()
{
    const QList<QList<qint64>> cycles = m_graph.cycles(m_graph.stuck(false));
    for (const QList<qint64> &cycle : cycles) {
        for (qint64 pid : cycle)
            m_inCycles.insert(pid);
        if (cycle.size() == 1) {
            selfWait(m_graph.waits().value(cycle[0]));
            continue;
        }
        QStringList parts;
        QList<QPair<qint64, int>> involved;
        for (qint64 pid : cycle) {
            const WaitGraph::Wait wait = m_graph.waits().value(pid);
            parts << waitText(wait);
            involved << qMakePair(wait.pid, wait.fd);
        }
        const QString text = QStringLiteral("deadlock: %1; none of them can proceed")
                                     .arg(parts.join(QStringLiteral("; ")));
        QList<PipeKey> pipes;
        for (qint64 pid : cycle) {
            const PipeKey key = m_graph.waits().value(pid).pipe;
            if (!pipes.contains(key))
                pipes << key;
        }
        for (const PipeKey &key : std::as_const(pipes))
            add(Severity::Error, Kind::Deadlock, key, text, involved);
    }
}

void Analysis::selfWait(const WaitGraph::Wait &wait)
{
    const PipeInfo *pipe = m_snapshot.pipe(wait.pipe);
    if (!pipe)
        return;
    if (wait.writing) {
        add(Severity::Error, Kind::Deadlock, wait.pipe,
            QStringLiteral("deadlock: %1 is blocked writing a full pipe that only it reads")
                    .arg(endpointName(wait.pid, wait.fd)),
            { { wait.pid, wait.fd } });
        return;
    }
    const int fd = writeOnlyFd(*pipe, wait.pid);
    add(Severity::Error, Kind::LeakedWriteEnd, wait.pipe,
        QStringLiteral("%1 is blocked reading this pipe and holds its only write end itself "
                       "(fd %2): it never sees EOF until it closes fd %2")
                .arg(endpointName(wait.pid, wait.fd))
                .arg(fd),
        { { wait.pid, wait.fd }, { wait.pid, fd } });
}

void Analysis::stalledReaders()
{
    // Readers that cannot proceed until a stopped process is resumed (or that wait on a
    // deadlock without being part of its cycle). Writers in that position are explained by
    // the writer-blocked rule, which says what each reader does.
    const QSet<qint64> stuck = m_graph.stuck(true);
    QList<qint64> pids(stuck.cbegin(), stuck.cend());
    std::sort(pids.begin(), pids.end());
    for (qint64 pid : std::as_const(pids)) {
        const WaitGraph::Wait wait = m_graph.waits().value(pid);
        if (wait.writing || m_inCycles.contains(pid))
            continue;
        const PipeInfo *pipe = m_snapshot.pipe(wait.pipe);
        if (!pipe)
            continue;
        add(Severity::Warning, Kind::ReaderStalled, wait.pipe,
            QStringLiteral("reader %1 blocked%2 on an empty pipe whose writers cannot proceed: %3")
                    .arg(endpointName(pid, wait.fd), blockedFor(*pipe, pid, wait.fd),
                         helpersText(wait.helpers)),
            { { pid, wait.fd } });
    }
}

} // namespace

QList<Diagnostic> PipeDiagnostics::analyze(const SystemSnapshot &snapshot, qint64 nowMs)
{
    return Analysis(snapshot, nowMs >= 0 ? nowMs : snapshot.timestampMs).run();
}

void PipeDiagnostics::annotate(SystemSnapshot &snapshot, qint64 nowMs)
{
    const QList<Diagnostic> all = analyze(snapshot, nowMs);
    QHash<PipeKey, qsizetype> index;
    for (qsizetype i = 0; i < snapshot.pipes.size(); ++i) {
        snapshot.pipes[i].diagnostics.clear();
        index.insert(snapshot.pipes[i].key, i);
    }
    for (const Diagnostic &diagnostic : all) {
        const auto it = index.constFind(diagnostic.pipe);
        if (it != index.cend())
            snapshot.pipes[it.value()].diagnostics << diagnostic;
    }
}

QString PipeDiagnostics::processName(const SystemSnapshot &snapshot, qint64 pid)
{
    const ProcessInfo *process = snapshot.process(pid);
    QString name;
    if (process && !process->arguments.value(0).isEmpty())
        name = QFileInfo(process->arguments[0]).fileName();
    if (name.isEmpty() && process)
        name = process->comm;
    if (name.isEmpty())
        name = QStringLiteral("?");
    return QStringLiteral("`%1` (pid %2)").arg(name).arg(pid);
}

QString PipeDiagnostics::activity(const SystemSnapshot &snapshot, qint64 pid)
{
    const ProcessInfo *process = snapshot.process(pid);
    if (!process || !process->statKnown)
        return QStringLiteral("is in an unknown state");
    switch (process->runState) {
    case 'T':
        return QStringLiteral("is stopped (SIGSTOP)");
    case 't':
        return QStringLiteral("is stopped by a tracer");
    case 'Z':
    case 'X':
        return QStringLiteral("has exited (zombie)");
    default:
        break;
    }
    for (const ThreadWait &wait : process->pipeWaits) {
        if (wait.kind == WaitKind::FifoOpen)
            return QStringLiteral("is blocked opening a FIFO (waiting for the other side)");
        const PipeInfo *pipe = wait.fd >= 0 ? snapshot.pipeAt(pid, wait.fd) : nullptr;
        if (!pipe)
            continue;
        return (wait.kind == WaitKind::PipeWrite ? QStringLiteral("is blocked writing %1 (full)")
                                                 : QStringLiteral("is blocked reading %1 (empty)"))
                .arg(pipeName(snapshot, pipe->key));
    }
    if (process->runState == 'R')
        return QStringLiteral("is busy (running)");
    return sleepActivity(*process);
}

} // namespace PipeScope
