#include "pipediagnostics.h"

#include "snapshotformat.h"

#include "diagnostictext.h"
#include "leakedwriteends.h"
#include "waitgraph.h"

#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace PipeScope {

namespace {

using Severity = Diagnostic::Severity;
using Kind = Diagnostic::Kind;

constexpr int PipeBuf = 4096; // PIPE_BUF on Linux: larger writes are not atomic (pipe(7))

class Analysis
{
public:
    Analysis(const SystemSnapshot &snapshot, qint64 now);
    QList<Diagnostic> run();

private:
    void writerBlocked(const PipeInfo &pipe);
    void openEnds(const PipeInfo &pipe);
    void outsideThisContainer(const PipeInfo &pipe, Kind kind);
    void multipleWriters(const PipeInfo &pipe);
    void openBlocked(const PipeInfo &pipe);
    void deadlocks();
    void selfWait(const WaitGraph::Wait &wait);
    void stalledReaders();
    void add(Severity severity, Kind kind, const PipeKey &pipe, const QString &text,
             const QList<QPair<qint64, int>> &endpoints);
    QString endpointName(qint64 pid, int fd) const;
    /// Each of \a pids (holding \a mode ends) and what it is doing.
    QString helpersText(const PipeInfo &pipe, const QList<qint64> &pids, EndpointMode mode) const;
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
        m_permissionGaps = m_permissionGaps || skipped.error.code() == EACCES || skipped.error.code() == EPERM;
}

QList<Diagnostic> Analysis::run()
{
    deadlocks();
    stalledReaders();
    for (const PipeInfo &pipe : m_snapshot.pipes) {
        writerBlocked(pipe);
        openEnds(pipe);
        LeakedWriteEnds(m_snapshot, pipe, m_now).check(&m_out);
        multipleWriters(pipe);
        openBlocked(pipe);
    }
    std::stable_sort(m_out.begin(), m_out.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return int(a.severity) > int(b.severity);
    });
    return m_out;
}

void Analysis::add(Severity severity, Kind kind, const PipeKey &pipe, const QString &text,
                   const QList<QPair<qint64, int>> &endpoints)
{
    m_out << DiagnosticText::make(severity, kind, pipe, text, endpoints);
}

QString Analysis::endpointName(qint64 pid, int fd) const
{
    return DiagnosticText::endpointName(m_snapshot, pid, fd);
}

QString Analysis::helpersText(const PipeInfo &pipe, const QList<qint64> &pids, EndpointMode mode) const
{
    constexpr int Shown = 5;
    QStringList parts;
    for (qint64 pid : pids.mid(0, Shown)) {
        const QString name = PipeDiagnostics::processName(m_snapshot, pid);
        parts << (pid == m_snapshot.host ? name + QStringLiteral(": ") + PipeDiagnostics::heldByHost(m_snapshot, pipe, mode)
                                         : name + u' ' + PipeDiagnostics::activity(m_snapshot, pid));
    }
    if (pids.size() > Shown)
        parts << QStringLiteral("and %1 more").arg(pids.size() - Shown);
    return parts.join(QStringLiteral("; "));
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
                        + helpersText(pipe, readers, EndpointMode::Read);
        QList<QPair<qint64, int>> involved { { writer.pid, writer.fd } };
        for (const PipeEndpoint &reader : pipe.endpoints) {
            if (reader.reads())
                involved << qMakePair(reader.pid, reader.fd);
        }
        const ProcessInfo *process = m_snapshot.process(writer.pid);
        if (process && process->moving()) {
            // Its bytes moved since the last scan: it waits for room between writes, as any
            // writer faster than its reader does. Flowing, not stalled; the reader sets the pace.
            add(Severity::Info, Kind::WriterBlockedOnFullPipe, pipe.key,
                QStringLiteral("writer %1 is flowing (%2) and waits for room between writes%3: %4")
                        .arg(endpointName(writer.pid, writer.fd), SnapshotFormat::rateText(process->flowRate),
                             fill, why),
                involved);
            continue;
        }
        add(Severity::Warning, Kind::WriterBlockedOnFullPipe, pipe.key,
            QStringLiteral("writer %1 %2 on a full pipe%3: %4")
                    .arg(endpointName(writer.pid, writer.fd),
                         DiagnosticText::seenBlocked(pipe, writer.pid, writer.fd, m_now), fill, why),
            involved);
    }
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
        if (pipe.hasEndpointIn(EndpointState::BlockedWrite)) {
            add(Severity::Info, Kind::NoReader, pipe.key,
                QStringLiteral("its reader is not visible (another PID namespace, or a process "
                               "we may not inspect)"),
                {});
            return;
        }
        if (m_snapshot.nestedPidNamespace)
            return outsideThisContainer(pipe, Kind::NoReader);
        add(Severity::Warning, Kind::NoReader, pipe.key,
            QStringLiteral("no reader left: the next write gets EPIPE, or SIGPIPE kills a writer "
                           "that does not ignore it")
                    + caveat,
            {});
    } else if (pipe.hasReader() && !pipe.hasWriter()) {
        if (pipe.hasEndpointIn(EndpointState::BlockedRead)) {
            add(Severity::Info, Kind::NoWriter, pipe.key,
                QStringLiteral("its writer is not visible (another PID namespace, or a process "
                               "we may not inspect)"),
                {});
            return;
        }
        if (m_snapshot.nestedPidNamespace)
            return outsideThisContainer(pipe, Kind::NoWriter);
        QString when = QStringLiteral("once the queued bytes are read");
        if (pipe.queued)
            when = *pipe.queued > 0 ? QStringLiteral("after the %1 queued bytes").arg(*pipe.queued)
                                    : QStringLiteral("on their next read");
        add(Severity::Info, Kind::NoWriter, pipe.key,
            QStringLiteral("no writer left: readers get EOF %1").arg(when) + caveat, {});
    }
}

void Analysis::outsideThisContainer(const PipeInfo &pipe, Kind kind)
{
    // This /proc shows one PID namespace: the missing end may be held by a process outside
    // it, so there is no verdict to give.
    add(Severity::Info, kind, pipe.key,
        QStringLiteral("no %1 visible here: ends may be held outside this container (this /proc "
                       "shows only its own PID namespace)")
                .arg(kind == Kind::NoReader ? QLatin1String("reader") : QLatin1String("writer")),
        {});
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
                .arg(QString::number(writers.size()), names.join(QStringLiteral(", ")),
                     QString::number(PipeBuf)),
        involved);
}

void Analysis::openBlocked(const PipeInfo &pipe)
{
    for (const FifoOpener &opener : pipe.openers) {
        const bool writing = opener.mode == EndpointMode::Write;
        // With the other side open the call is already returning: the scan caught it mid-way.
        if (opener.mode == EndpointMode::ReadWrite || (writing ? pipe.hasReader() : pipe.hasWriter()))
            continue;
        const QString path = DiagnosticText::shellWord(pipe.path);
        const QString text = writing
                ? QStringLiteral("%1 is %2 in open() of %3 for writing: no process has it "
                                 "open for reading. open() returns when one does (e.g. `cat %4`); "
                                 "with O_NONBLOCK it would fail at once with ENXIO")
                : QStringLiteral("%1 is %2 in open() of %3 for reading: no process has it "
                                 "open for writing. open() returns when one does (e.g. "
                                 "`echo hi > %4`); with O_NONBLOCK it would return at once");
        add(Severity::Warning, Kind::OpenBlocked, pipe.key,
            text.arg(PipeDiagnostics::processName(m_snapshot, opener.pid),
                     DiagnosticText::seenBlocked(opener.sinceMs, m_now),
                     DiagnosticText::pipeName(m_snapshot, pipe.key), path),
            { { opener.pid, -1 } });
    }
}

QString Analysis::waitText(const WaitGraph::Wait &wait) const
{
    const QString verb = wait.writing ? QStringLiteral("waits to write %1, read only by %2")
                                      : QStringLiteral("waits to read %1, written only by %2");
    QStringList helpers;
    for (qint64 pid : wait.helpers)
        helpers << PipeDiagnostics::processName(m_snapshot, pid);
    return PipeDiagnostics::processName(m_snapshot, wait.pid) + u' '
            + verb.arg(DiagnosticText::pipeName(m_snapshot, wait.pipe), helpers.join(QStringLiteral(" and ")));
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
    const int fd = DiagnosticText::writeOnlyFd(*pipe, wait.pid);
    add(Severity::Error, Kind::LeakedWriteEnd, wait.pipe,
        QStringLiteral("%1 is blocked reading this pipe and holds its only write end itself "
                       "(fd %2): it never sees EOF until it closes fd %2")
                .arg(endpointName(wait.pid, wait.fd), QString::number(fd)),
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
            QStringLiteral("reader %1 %2 on an empty pipe whose writers cannot proceed: %3")
                    .arg(endpointName(pid, wait.fd), DiagnosticText::seenBlocked(*pipe, pid, wait.fd, m_now),
                         helpersText(*pipe, wait.helpers, EndpointMode::Write)),
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

} // namespace PipeScope
