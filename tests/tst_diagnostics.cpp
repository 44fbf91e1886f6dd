// PipeDiagnostics and SnapshotTracker: every rule on snapshots built by hand (positive and
// negative cases), then the same situations made with real processes.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/procscanner.h>
#include <pipescope/snapshottracker.h>
#include <pipescope/sys.h>

#include <QRegularExpression>
#include <QTest>

#include <csignal>
#include <sys/wait.h>

using namespace PipeScope;
using namespace PipeScope::Test;

Q_DECLARE_METATYPE(PipeScope::SystemSnapshot)
Q_DECLARE_METATYPE(PipeScope::EndpointState)

namespace {

using Kind = Diagnostic::Kind;
using Severity = Diagnostic::Severity;

/// Builds snapshots by hand: processes with a state letter, endpoints with a state.
class Builder
{
public:
    Builder &process(qint64 pid, const QString &name, char state = 'S', qint64 pgrp = 100,
                     qint64 ppid = 0, const QString &wchan = QString(), int threads = 1)
    {
        ProcessInfo info;
        info.pid = pid;
        info.comm = name;
        info.arguments = { name };
        info.command = name;
        info.statKnown = true;
        info.runState = state;
        info.pgrp = pgrp;
        info.ppid = ppid;
        info.wchan = wchan;
        info.threads = threads;
        m_snapshot.processes.insert(pid, info);
        return *this;
    }
    Builder &end(quint64 inode, qint64 pid, int fd, EndpointMode mode,
                 EndpointState state = EndpointState::Sleeping)
    {
        PipeInfo *pipe = m_snapshot.pipe({ PipeKind::Pipe, 0, inode });
        if (!pipe) {
            PipeInfo info;
            info.key = { PipeKind::Pipe, 0, inode };
            m_snapshot.pipes << info;
            pipe = &m_snapshot.pipes.last();
        }
        pipe->endpoints << PipeEndpoint { pid, fd, mode, state, -1 };
        if (state == EndpointState::BlockedRead || state == EndpointState::BlockedWrite) {
            const WaitKind kind = state == EndpointState::BlockedRead ? WaitKind::PipeRead
                                                                       : WaitKind::PipeWrite;
            m_snapshot.processes[pid].pipeWaits << ThreadWait { pid, kind, fd, false };
        }
        return *this;
    }
    Builder &fill(quint64 inode, qint64 queued, qint64 capacity = 65536)
    {
        PipeInfo *pipe = m_snapshot.pipe({ PipeKind::Pipe, 0, inode });
        pipe->queued = queued;
        pipe->capacity = capacity;
        return *this;
    }
    SystemSnapshot snapshot() const { return m_snapshot; }

private:
    SystemSnapshot m_snapshot;
};

QList<Diagnostic> ofKind(const QList<Diagnostic> &all, Kind kind)
{
    QList<Diagnostic> result;
    for (const Diagnostic &diagnostic : all) {
        if (diagnostic.kind == kind)
            result << diagnostic;
    }
    return result;
}

QString texts(const QList<Diagnostic> &all)
{
    QStringList lines;
    for (const Diagnostic &diagnostic : all)
        lines << severityName(diagnostic.severity) + u' ' + diagnosticKindName(diagnostic.kind)
                        + QStringLiteral(": ") + diagnostic.text;
    return lines.join(u'\n');
}

constexpr auto R = EndpointMode::Read;
constexpr auto W = EndpointMode::Write;
constexpr auto BlockedRead = EndpointState::BlockedRead;
constexpr auto BlockedWrite = EndpointState::BlockedWrite;

} // namespace

class TestDiagnostics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // constructed snapshots
    void writerBlockedSaysWhyReaderIsNotReading_data();
    void writerBlockedSaysWhyReaderIsNotReading();
    void writerBlockedAtHalfFill();
    void twoProcessWriteDeadlock();
    void twoProcessReadDeadlock();
    void orWaitIsNotADeadlock();
    void bothEndsOfOnePipeWaitingIsNoDeadlock();
    void readerStalledBehindStoppedWriter();
    void readerHoldingOnlyWriteEnd();
    void readerAlsoHoldsWriteEnd();
    void outsiderWriter();
    void loneOutsiderWriter();
    void issue16LeakedWriteEndSaysSeenBlocked();
    void openEnds();
    void multipleWriters();
    void durationsAndAnnotate();
    void trackerCarriesStateSince();
    void fifoOpenBlocked();
    // real processes
    void realStoppedReader();
    void realStalledReader();
    void realDeadlock_data();
    void realDeadlock();
    void realSelfLeak();
    void realLeakedWriteEnd();
    void realOpenEnds();
};

void TestDiagnostics::writerBlockedSaysWhyReaderIsNotReading_data()
{
    QTest::addColumn<SystemSnapshot>("snapshot");
    QTest::addColumn<QString>("why");
    QTest::newRow("stopped") << Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("gzip"), 'T')
                                        .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, EndpointState::Stopped)
                                        .fill(10, 65536).snapshot()
                             << QStringLiteral("reader `gzip` (pid 2) is stopped (SIGSTOP)");
    QTest::newRow("busy") << Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("gzip"), 'R')
                                     .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, EndpointState::Running)
                                     .snapshot()
                          << QStringLiteral("reader `gzip` (pid 2) is busy (running)");
    QTest::newRow("asleep") << Builder().process(1, QStringLiteral("yes"))
                                       .process(2, QStringLiteral("sleep"), 'S', 100, 1, QStringLiteral("hrtimer_nanosleep"))
                                       .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R).snapshot()
                            << QStringLiteral("reader `sleep` (pid 2) is asleep (sleep/nanosleep)");
    QTest::newRow("blocked elsewhere")
            << Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("head")).process(3, QStringLiteral("wc"), 'T')
                       .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, EndpointState::BlockedElsewhere)
                       .end(11, 2, 1, W, BlockedWrite).end(11, 3, 0, R, EndpointState::Stopped)
                       .snapshot()
            << QStringLiteral("reader `head` (pid 2) is blocked writing pipe 11 (full)");
}

void TestDiagnostics::writerBlockedSaysWhyReaderIsNotReading()
{
    QFETCH(SystemSnapshot, snapshot);
    QFETCH(QString, why);
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    const QList<Diagnostic> blocked = ofKind(all, Kind::WriterBlockedOnFullPipe);
    QVERIFY2(!blocked.isEmpty(), qPrintable(texts(all)));
    QCOMPARE(blocked[0].severity, Severity::Warning);
    QCOMPARE(blocked[0].pipe.inode, quint64(10));
    QVERIFY2(blocked[0].text.startsWith(u"writer `yes` (pid 1, fd 1) blocked on a full pipe"), qPrintable(blocked[0].text));
    QVERIFY2(blocked[0].text.endsWith(why), qPrintable(blocked[0].text));
    QCOMPARE(blocked[0].endpoints.first(), qMakePair(qint64(1), 1));
    QVERIFY(ofKind(all, Kind::Deadlock).isEmpty());
}

void TestDiagnostics::writerBlockedAtHalfFill()
{
    // 2049-byte records fill one page slot each: the writer blocks at 50 % (docs/kernel-behaviour.md §10).
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("w")).process(2, QStringLiteral("r"), 'T')
                                            .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, EndpointState::Stopped)
                                            .fill(10, 32784).snapshot();
    const QList<Diagnostic> blocked = ofKind(PipeDiagnostics::analyze(snapshot), Kind::WriterBlockedOnFullPipe);
    QCOMPARE(blocked.size(), 1);
    QVERIFY2(blocked[0].text.contains(u"(32784 of 65536 bytes queued; its page slots are full)"),
             qPrintable(blocked[0].text));
}

void TestDiagnostics::twoProcessWriteDeadlock()
{
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("a")).process(2, QStringLiteral("b"))
                                            .end(10, 1, 4, W, BlockedWrite).end(10, 2, 3, R, EndpointState::BlockedElsewhere)
                                            .end(11, 2, 5, W, BlockedWrite).end(11, 1, 6, R, EndpointState::BlockedElsewhere)
                                            .snapshot();
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    const QList<Diagnostic> deadlocks = ofKind(all, Kind::Deadlock);
    QCOMPARE(deadlocks.size(), 2); // one on each pipe of the cycle
    QCOMPARE(all.first().severity, Severity::Error); // errors sort first
    QCOMPARE(deadlocks[0].text,
             QStringLiteral("deadlock: `a` (pid 1) waits to write pipe 10, read only by `b` (pid 2); "
                            "`b` (pid 2) waits to write pipe 11, read only by `a` (pid 1); "
                            "none of them can proceed"));
    QSet<quint64> pipes { deadlocks[0].pipe.inode, deadlocks[1].pipe.inode };
    QCOMPARE(pipes, (QSet<quint64> { 10, 11 }));
    QCOMPARE(ofKind(all, Kind::WriterBlockedOnFullPipe).size(), 2);
}

void TestDiagnostics::twoProcessReadDeadlock()
{
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("a")).process(2, QStringLiteral("b"))
                                            .end(10, 1, 4, W, EndpointState::BlockedElsewhere).end(10, 2, 3, R, BlockedRead)
                                            .end(11, 2, 5, W, EndpointState::BlockedElsewhere).end(11, 1, 6, R, BlockedRead)
                                            .snapshot();
    const QList<Diagnostic> deadlocks = ofKind(PipeDiagnostics::analyze(snapshot), Kind::Deadlock);
    QCOMPARE(deadlocks.size(), 2);
    QVERIFY(deadlocks[0].text.contains(u"`a` (pid 1) waits to read pipe 11, written only by `b` (pid 2)"));
    QVERIFY(ofKind(PipeDiagnostics::analyze(snapshot), Kind::ReaderStalled).isEmpty());
}

void TestDiagnostics::bothEndsOfOnePipeWaitingIsNoDeadlock()
{
    // yes | cat caught with yes waiting for room and cat waiting for data in the same pipe:
    // the pipe cannot be full and empty at once, the two states were read microseconds apart
    // (seen in the Pipeline page's scans of a flowing yes | cat).
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("cat"))
                                            .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, BlockedRead)
                                            .snapshot();
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    QVERIFY2(ofKind(all, Kind::Deadlock).isEmpty(), qPrintable(texts(all)));
    QVERIFY2(ofKind(all, Kind::ReaderStalled).isEmpty(), qPrintable(texts(all)));
}

void TestDiagnostics::orWaitIsNotADeadlock()
{
    // a waits to write 10, which b (stuck) and c (running) read: c can release a, and then a
    // can read 11 and release b. A cycle, but not a deadlock.
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("a")).process(2, QStringLiteral("b"))
                                            .process(3, QStringLiteral("c"), 'R')
                                            .end(10, 1, 4, W, BlockedWrite).end(10, 2, 3, R, EndpointState::BlockedElsewhere)
                                            .end(10, 3, 0, R, EndpointState::Running)
                                            .end(11, 2, 5, W, BlockedWrite).end(11, 1, 6, R, EndpointState::BlockedElsewhere)
                                            .snapshot();
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    QVERIFY2(ofKind(all, Kind::Deadlock).isEmpty(), qPrintable(texts(all)));
    QCOMPARE(ofKind(all, Kind::WriterBlockedOnFullPipe).size(), 2);
}

void TestDiagnostics::readerStalledBehindStoppedWriter()
{
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("producer"), 'T').process(2, QStringLiteral("consumer"))
                                            .end(10, 1, 1, W, EndpointState::Stopped).end(10, 2, 0, R, BlockedRead)
                                            .snapshot();
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    const QList<Diagnostic> stalled = ofKind(all, Kind::ReaderStalled);
    QCOMPARE(stalled.size(), 1);
    QCOMPARE(stalled[0].severity, Severity::Warning);
    QCOMPARE(stalled[0].text, QStringLiteral("reader `consumer` (pid 2, fd 0) blocked on an empty pipe whose "
                                             "writers cannot proceed: `producer` (pid 1) is stopped (SIGSTOP)"));
    QVERIFY(ofKind(all, Kind::Deadlock).isEmpty());
    // A running writer: nothing to say.
    const SystemSnapshot running = Builder().process(1, QStringLiteral("producer"), 'R').process(2, QStringLiteral("consumer"))
                                           .end(10, 1, 1, W, EndpointState::Running).end(10, 2, 0, R, BlockedRead)
                                           .snapshot();
    QVERIFY(PipeDiagnostics::analyze(running).isEmpty());
}

void TestDiagnostics::readerHoldingOnlyWriteEnd()
{
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("parent"))
                                            .end(10, 1, 3, R, BlockedRead).end(10, 1, 4, W, EndpointState::BlockedElsewhere)
                                            .snapshot();
    const QList<Diagnostic> leaks = ofKind(PipeDiagnostics::analyze(snapshot), Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QCOMPARE(leaks[0].severity, Severity::Error);
    QCOMPARE(leaks[0].text, QStringLiteral("`parent` (pid 1, fd 3) is blocked reading this pipe and holds its only "
                                           "write end itself (fd 4): it never sees EOF until it closes fd 4"));
    // A multi-threaded process may be a thread queue: another thread writes. Not reported.
    const SystemSnapshot threaded = Builder().process(1, QStringLiteral("app"), 'S', 100, 1, QString(), 4)
                                            .end(10, 1, 3, R, BlockedRead).end(10, 1, 4, W).snapshot();
    QVERIFY(PipeDiagnostics::analyze(threaded).isEmpty());
    // A self-pipe nobody blocks on: not reported.
    const SystemSnapshot selfPipe = Builder().process(1, QStringLiteral("loop")).end(10, 1, 3, R).end(10, 1, 4, W).snapshot();
    QVERIFY(PipeDiagnostics::analyze(selfPipe).isEmpty());
}

void TestDiagnostics::readerAlsoHoldsWriteEnd()
{
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("parent")).process(2, QStringLiteral("child"), 'S', 100, 0)
                                            .end(10, 1, 3, R).end(10, 1, 4, W).end(10, 2, 1, W).snapshot();
    const QList<Diagnostic> leaks = ofKind(PipeDiagnostics::analyze(snapshot), Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QCOMPARE(leaks[0].severity, Severity::Warning);
    QVERIFY2(leaks[0].text.startsWith(u"`parent` (pid 1) reads this pipe but also holds a write end (fd 4)"),
             qPrintable(leaks[0].text));
    // A make jobserver: every holder has both ends; nobody waits for EOF.
    const SystemSnapshot jobserver = Builder().process(1, QStringLiteral("make")).process(2, QStringLiteral("make"))
                                             .end(10, 1, 3, R).end(10, 1, 4, W).end(10, 2, 3, R).end(10, 2, 4, W)
                                             .snapshot();
    QVERIFY(ofKind(PipeDiagnostics::analyze(jobserver), Kind::LeakedWriteEnd).isEmpty());
}

void TestDiagnostics::outsiderWriter()
{
    // reader and producer in pipeline group 100; a daemon in group 500 also holds the write end.
    const SystemSnapshot snapshot = Builder().process(1, QStringLiteral("cat")).process(2, QStringLiteral("producer"))
                                            .process(3, QStringLiteral("daemon"), 'S', 500, 0)
                                            .end(10, 1, 0, R).end(10, 2, 1, W).end(10, 3, 7, W).snapshot();
    const QList<Diagnostic> all = PipeDiagnostics::analyze(snapshot);
    const QList<Diagnostic> leaks = ofKind(all, Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QCOMPARE(leaks[0].text, QStringLiteral("`daemon` (pid 3, fd 7) holds a write end but is not part of the pipeline "
                                           "(process group 500; the other holders are in 100): readers see EOF "
                                           "only after it closes fd 7 or exits"));
    QCOMPARE(ofKind(all, Kind::MultipleWriters).size(), 1);
    // The same daemon as the reader's parent (feeding its child's stdin): part of the pipeline.
    const SystemSnapshot parent = Builder().process(1, QStringLiteral("cat"), 'S', 100, 3).process(2, QStringLiteral("producer"))
                                          .process(3, QStringLiteral("python3"), 'S', 500, 0)
                                          .end(10, 1, 0, R).end(10, 2, 1, W).end(10, 3, 7, W).snapshot();
    QVERIFY(ofKind(PipeDiagnostics::analyze(parent), Kind::LeakedWriteEnd).isEmpty());
}

void TestDiagnostics::loneOutsiderWriter()
{
    const auto build = [](char writerState, qint64 writerGroup, qint64 readerParent) {
        return Builder().process(1, QStringLiteral("cat"), 'S', 100, readerParent)
                .process(3, QStringLiteral("sleep"), writerState, writerGroup, 0, QStringLiteral("hrtimer_nanosleep"))
                .end(10, 1, 0, R, BlockedRead)
                .end(10, 3, 1, W, writerState == 'R' ? EndpointState::Running : EndpointState::Sleeping)
                .snapshot();
    };
    const QList<Diagnostic> leaks = ofKind(PipeDiagnostics::analyze(build('S', 500, 0)), Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QCOMPARE(leaks[0].severity, Severity::Warning);
    QCOMPARE(leaks[0].text, QStringLiteral("reader `cat` (pid 1, fd 0) blocked on an empty pipe whose only writer "
                                           "`sleep` (pid 3, fd 1) is outside its process group (500, the reader's "
                                           "is 100) and asleep (sleep/nanosleep): if it inherited the write end by "
                                           "accident, the reader never sees EOF"));
    QVERIFY(ofKind(PipeDiagnostics::analyze(build('R', 500, 0)), Kind::LeakedWriteEnd).isEmpty()); // producing
    QVERIFY(ofKind(PipeDiagnostics::analyze(build('S', 100, 0)), Kind::LeakedWriteEnd).isEmpty()); // same group
    QVERIFY(ofKind(PipeDiagnostics::analyze(build('S', 500, 3)), Kind::LeakedWriteEnd).isEmpty()); // its parent
}

void TestDiagnostics::issue16LeakedWriteEndSaysSeenBlocked()
{
    // As the writer-blocked rule words it: PipeScope saw the reader blocked that long, it may
    // have been so before.
    SystemSnapshot snapshot = Builder().process(1, QStringLiteral("cat"), 'S', 100, 0)
                                      .process(3, QStringLiteral("sleep"), 'S', 500, 0, QStringLiteral("hrtimer_nanosleep"))
                                      .end(10, 1, 0, R, BlockedRead).end(10, 3, 1, W, EndpointState::Sleeping)
                                      .snapshot();
    snapshot.timestampMs = 100000;
    snapshot.pipes[0].endpoints[0].stateSinceMs = 100000 - 3500;
    const QList<Diagnostic> leaks = ofKind(PipeDiagnostics::analyze(snapshot), Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QVERIFY2(leaks[0].text.startsWith(u"reader `cat` (pid 1, fd 0) seen blocked for 3 s on an empty pipe"),
             qPrintable(leaks[0].text));
}

void TestDiagnostics::openEnds()
{
    const QList<Diagnostic> noReader = PipeDiagnostics::analyze(
            Builder().process(1, QStringLiteral("w")).end(10, 1, 1, W).snapshot());
    QCOMPARE(noReader.size(), 1);
    QCOMPARE(noReader[0].kind, Kind::NoReader);
    QCOMPARE(noReader[0].severity, Severity::Warning);
    QVERIFY(noReader[0].text.startsWith(u"no reader left: the next write gets EPIPE"));

    const QList<Diagnostic> noWriter = PipeDiagnostics::analyze(
            Builder().process(1, QStringLiteral("r")).end(10, 1, 0, R).fill(10, 10).snapshot());
    QCOMPARE(noWriter.size(), 1);
    QCOMPARE(noWriter[0].kind, Kind::NoWriter);
    QCOMPARE(noWriter[0].severity, Severity::Info);
    QCOMPARE(noWriter[0].text, QStringLiteral("no writer left: readers get EOF after the 10 queued bytes"));

    // A blocked reader proves a writer exists that we cannot see.
    const QList<Diagnostic> hidden = PipeDiagnostics::analyze(
            Builder().process(1, QStringLiteral("r")).end(10, 1, 0, R, BlockedRead).snapshot());
    QCOMPARE(hidden.size(), 1);
    QCOMPARE(hidden[0].severity, Severity::Info);
    QVERIFY(hidden[0].text.startsWith(u"its writer is not visible"));
}

void TestDiagnostics::multipleWriters()
{
    const QList<Diagnostic> all = PipeDiagnostics::analyze(
            Builder().process(1, QStringLiteral("a")).process(2, QStringLiteral("b")).process(3, QStringLiteral("r"))
                    .end(10, 1, 1, W).end(10, 2, 1, W).end(10, 3, 0, R).snapshot());
    QCOMPARE(all.size(), 1);
    QCOMPARE(all[0].kind, Kind::MultipleWriters);
    QCOMPARE(all[0].text, QStringLiteral("2 processes hold the write end (`a` (pid 1), `b` (pid 2)): writes larger "
                                         "than 4096 bytes (PIPE_BUF) from different writers may interleave"));
    QCOMPARE(all[0].endpoints.size(), 2);
}

void TestDiagnostics::durationsAndAnnotate()
{
    SystemSnapshot snapshot = Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("cat"), 'T')
                                      .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R, EndpointState::Stopped)
                                      .end(11, 2, 1, W, EndpointState::Stopped).snapshot();
    snapshot.timestampMs = 100000;
    snapshot.pipes[0].endpoints[0].stateSinceMs = 100000 - 3500;
    PipeDiagnostics::annotate(snapshot);
    QCOMPARE(snapshot.pipes[0].diagnostics.size(), 1);
    QVERIFY2(snapshot.pipes[0].diagnostics[0].text.startsWith(u"writer `yes` (pid 1, fd 1) seen blocked for 3 s on a full pipe"),
             qPrintable(snapshot.pipes[0].diagnostics[0].text));
    QCOMPARE(snapshot.pipes[1].diagnostics.size(), 1); // 11: no reader
    QCOMPARE(snapshot.pipes[1].diagnostics[0].kind, Kind::NoReader);
    PipeDiagnostics::annotate(snapshot, 100000 + 120000);
    QVERIFY(snapshot.pipes[0].diagnostics[0].text.contains(u"seen blocked for 2 min"));
    QCOMPARE(snapshot.pipes[0].diagnostics.size(), 1); // replaced, not appended
}

void TestDiagnostics::trackerCarriesStateSince()
{
    SnapshotTracker tracker;
    SystemSnapshot first = Builder().process(1, QStringLiteral("yes")).process(2, QStringLiteral("cat"))
                                   .end(10, 1, 1, W, BlockedWrite).end(10, 2, 0, R).end(11, 2, 3, R).snapshot();
    first.timestampMs = 1000;
    QList<PipeChange> changes = tracker.update(first);
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes[0].type, PipeChange::Type::Added);
    QCOMPARE(first.pipes[0].endpoints[0].stateSinceMs, qint64(1000));

    SystemSnapshot second = first;
    second.timestampMs = 4000;
    second.pipes.removeLast(); // 11 went away
    changes = tracker.update(second);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes[0].type, PipeChange::Type::Removed);
    QCOMPARE(changes[0].key.inode, quint64(11));
    QCOMPARE(second.pipes[0].endpoints[0].stateSinceMs, qint64(1000)); // still blocked since 1000

    SystemSnapshot third = second;
    third.timestampMs = 5000;
    third.pipes[0].endpoints[0].state = EndpointState::Running;
    third.pipes[0].queued = 100;
    changes = tracker.update(third);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes[0].type, PipeChange::Type::Changed);
    QCOMPARE(third.pipes[0].endpoints[0].stateSinceMs, qint64(5000)); // a new state
    QCOMPARE(third.pipes[0].endpoints[1].stateSinceMs, qint64(1000));

    // The same pid with another start time is another process: its state is new.
    SystemSnapshot reused = third;
    reused.timestampMs = 6000;
    reused.processes[1].startTime = 99;
    tracker.update(reused);
    QCOMPARE(reused.pipes[0].endpoints[0].stateSinceMs, qint64(6000));
}

void TestDiagnostics::fifoOpenBlocked()
{
    // FIFO 20: `sh` waits in open(O_WRONLY) and nobody reads; FIFO 21: `cat` waits in
    // open(O_RDONLY) while `tail` holds the read end (no writer either); FIFO 22: a writer
    // waits but a reader is already there, so its open is returning (no diagnostic).
    SystemSnapshot snapshot = Builder().process(1, QStringLiteral("sh")).process(2, QStringLiteral("cat"))
                                      .process(3, QStringLiteral("tail")).process(4, QStringLiteral("tee"))
                                      .snapshot();
    const auto fifo = [&](quint64 inode, const QString &path) -> PipeInfo & {
        PipeInfo info;
        info.key = { PipeKind::Fifo, 7, inode };
        info.path = path;
        snapshot.pipes << info;
        return snapshot.pipes.last();
    };
    fifo(20, QStringLiteral("/run/out")).openers << FifoOpener { 1, 1, W, 1000 };
    PipeInfo &held = fifo(21, QStringLiteral("/tmp/my fifo"));
    held.openers << FifoOpener { 2, 2, R, -1 };
    held.endpoints << PipeEndpoint { 3, 0, R, EndpointState::BlockedRead, -1 };
    PipeInfo &racing = fifo(22, QStringLiteral("/tmp/r"));
    racing.openers << FifoOpener { 1, 5, W, -1 };
    racing.endpoints << PipeEndpoint { 4, 3, R, EndpointState::Sleeping, -1 };
    snapshot.timestampMs = 4500;

    const QList<Diagnostic> all = ofKind(PipeDiagnostics::analyze(snapshot), Kind::OpenBlocked);
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].pipe.inode, quint64(20));
    QCOMPARE(all[0].severity, Severity::Warning);
    QCOMPARE(all[0].text, QStringLiteral("`sh` (pid 1) is seen blocked for 3 s in open() of FIFO /run/out for "
                                         "writing: no process has it open for reading. open() returns when "
                                         "one does (e.g. `cat /run/out`); with O_NONBLOCK it would fail at "
                                         "once with ENXIO"));
    QCOMPARE(all[0].endpoints, (QList<QPair<qint64, int>> { { 1, -1 } }));
    QCOMPARE(all[1].pipe.inode, quint64(21));
    QVERIFY2(all[1].text.startsWith(QStringLiteral("`cat` (pid 2) is blocked in open() of FIFO /tmp/my fifo "
                                                   "for reading: no process has it open for writing")),
             qPrintable(all[1].text));
    QVERIFY2(all[1].text.contains(QStringLiteral("`echo hi > '/tmp/my fifo'`")), qPrintable(all[1].text));

    // The tracker dates an opener from the first scan that saw it, across scans.
    SnapshotTracker tracker;
    snapshot.pipes[0].openers[0].sinceMs = -1;
    tracker.update(snapshot);
    QCOMPARE(snapshot.pipes[0].openers[0].sinceMs, qint64(4500));
    SystemSnapshot later = snapshot;
    later.timestampMs = 9000;
    later.pipes[0].openers[0].sinceMs = -1;
    tracker.update(later);
    QCOMPARE(later.pipes[0].openers[0].sinceMs, qint64(4500));
}

void TestDiagnostics::realStoppedReader()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { pipeRead, 0 }, { devNull.get(), 1 } });
    QCOMPARE(::kill(reader, SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(processState(reader), 'T', 5000);
    const pid_t writer = children.spawn({ helperPath(QStringLiteral("explorer_source")), QStringLiteral("200000"),
                                          QStringLiteral("4096") },
                                        { { pipeWrite, 1 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::BlockedWrite, 5000);

    // The tracker says "blocked for N s" once a second has passed between two of its scans:
    // scan until it does (however slow the machine), then check the words around N.
    SnapshotTracker tracker;
    SystemSnapshot first = scanSystem();
    tracker.update(first);
    QString text;
    const auto blockedText = [&] {
        SystemSnapshot snapshot = ProcScanner().scan();
        tracker.update(snapshot);
        PipeDiagnostics::annotate(snapshot);
        const PipeInfo *pipe = snapshot.pipeAt(writer, 1);
        if (!pipe || pipe->queued != qint64(65536))
            return QString();
        const QList<Diagnostic> blocked = ofKind(pipe->diagnostics, Kind::WriterBlockedOnFullPipe);
        return blocked.size() == 1 ? blocked[0].text : QString();
    };
    const QRegularExpression expected(
            QRegularExpression::anchoredPattern(QStringLiteral("writer `explorer_source` \\(pid %1, fd 1\\) seen blocked for "
                                                               "[1-9][0-9]* s on a full pipe \\(65536 of 65536 bytes "
                                                               "queued\\): reader `cat` \\(pid %2\\) is stopped "
                                                               "\\(SIGSTOP\\)")
                                                        .arg(writer)
                                                        .arg(reader)));
    QTRY_VERIFY2_WITH_TIMEOUT(expected.match(text = blockedText()).hasMatch(), qPrintable(text), 20000);
    QCOMPARE(::kill(reader, SIGCONT), 0);
    const int status = children.waitExit(writer, 10000);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void TestDiagnostics::realStalledReader()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeWrite, 1 } });
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { pipeRead, 0 }, { devNull.get(), 1 } });
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QCOMPARE(::kill(writer, SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::Stopped, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), reader, 0), EndpointState::BlockedRead, 5000);
    const SystemSnapshot snapshot = scanSystem();
    const QList<Diagnostic> stalled = ofKind(snapshot.pipeAt(reader, 0)->diagnostics, Kind::ReaderStalled);
    QCOMPARE(stalled.size(), 1);
    QCOMPARE(stalled[0].text, QStringLiteral("reader `cat` (pid %1, fd 0) blocked on an empty pipe whose writers "
                                             "cannot proceed: `sleep` (pid %2) is stopped (SIGSTOP)")
                                      .arg(reader)
                                      .arg(writer));
}

void TestDiagnostics::realDeadlock_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<EndpointState>("blocked");
    QTest::newRow("both write a full pipe") << QStringLiteral("write") << EndpointState::BlockedWrite;
    QTest::newRow("both read an empty pipe") << QStringLiteral("read") << EndpointState::BlockedRead;
}

void TestDiagnostics::realDeadlock()
{
    QFETCH(QString, mode);
    QFETCH(EndpointState, blocked);
    ChildProcesses children;
    const auto [outRead, outWrite] = makePipe();
    const pid_t parent = children.spawn({ helperPath(QStringLiteral("explorer_deadlock")), mode }, { { outWrite, 1 } });
    Sys::close(outWrite);
    // outRead stays open until the end: the helper's "child PID" line must not meet EPIPE.
    pid_t child = -1;
    QTRY_VERIFY_WITH_TIMEOUT((child = ChildProcesses::childrenOf(parent).value(0, -1)) > 0, 5000);
    // Only the deadlocks about our pair: the machine may hold others (a lesson left running).
    const auto ours = [&](const SystemSnapshot &snapshot) {
        QList<Diagnostic> found;
        for (const PipeInfo &pipe : snapshot.pipes) {
            for (const Diagnostic &diagnostic : ofKind(pipe.diagnostics, Kind::Deadlock)) {
                if (std::any_of(diagnostic.endpoints.cbegin(), diagnostic.endpoints.cend(),
                                [&](const auto &end) { return end.first == parent || end.first == child; }))
                    found << diagnostic;
            }
        }
        return found;
    };
    QTRY_COMPARE_WITH_TIMEOUT(ours(scanSystem()).size(), 2, 5000);
    const SystemSnapshot snapshot = scanSystem();
    const QList<Diagnostic> all = ours(snapshot);
    QCOMPARE(all[0].severity, Severity::Error);
    for (const Diagnostic &diagnostic : all) {
        QVERIFY2(diagnostic.text.contains(QStringLiteral("`explorer_deadlock` (pid %1)").arg(parent))
                         && diagnostic.text.contains(QStringLiteral("`explorer_deadlock` (pid %1)").arg(child)),
                 qPrintable(diagnostic.text));
        for (const auto &[pid, fd] : diagnostic.endpoints)
            QCOMPARE(stateOf(snapshot, pid_t(pid), fd), blocked);
    }
    QVERIFY(all[0].pipe != all[1].pipe);
    Sys::close(outRead);
}

void TestDiagnostics::realSelfLeak()
{
    ChildProcesses children;
    const auto [outRead, outWrite] = makePipe();
    const pid_t process = children.spawn({ helperPath(QStringLiteral("explorer_deadlock")), QStringLiteral("selfleak") },
                                         { { outWrite, 1 } });
    Sys::close(outWrite);
    // The fd numbers depend on what the test runner leaves open: take them from the scan.
    int readFd = -1, writeFd = -1;
    const auto leak = [&]() -> QString {
        const SystemSnapshot snapshot = scanSystem();
        for (const PipeInfo &pipe : snapshot.pipes) {
            for (const Diagnostic &diagnostic : ofKind(pipe.diagnostics, Kind::LeakedWriteEnd)) {
                if (diagnostic.severity != Severity::Error || diagnostic.endpoints.value(0).first != process)
                    continue;
                for (const PipeEndpoint &endpoint : pipe.endpoints)
                    (endpoint.mode == EndpointMode::Read ? readFd : writeFd) = endpoint.fd;
                return diagnostic.text;
            }
        }
        return QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!leak().isEmpty(), 5000);
    const QString text = leak();
    QVERIFY(readFd >= 0 && writeFd >= 0 && readFd != writeFd);
    QCOMPARE(text, QStringLiteral("`explorer_deadlock` (pid %1, fd %2) is blocked reading this pipe and holds "
                                  "its only write end itself (fd %3): it never sees EOF until it closes fd %3")
                           .arg(process)
                           .arg(readFd)
                           .arg(writeFd));
    Sys::close(outRead);
}

void TestDiagnostics::realLeakedWriteEnd()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { pipeRead, 0 }, { devNull.get(), 1 } });
    const pid_t writer = children.spawn({ helperPath(QStringLiteral("explorer_source")), QStringLiteral("1000"),
                                          QStringLiteral("100"), QStringLiteral("hold") },
                                        { { pipeWrite, 1 } });
    // The classic: a daemon started with the write end still open (here in its own session).
    const pid_t daemon = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeWrite, 1 } }, true);
    Sys::close(pipeRead);
    Sys::close(pipeWrite);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::Sleeping, 5000);
    SystemSnapshot snapshot = scanSystem();
    QList<Diagnostic> leaks = ofKind(snapshot.pipeAt(reader, 0)->diagnostics, Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QVERIFY2(leaks[0].text.startsWith(QStringLiteral("`sleep` (pid %1, fd 1) holds a write end but is not part of the pipeline").arg(daemon)),
             qPrintable(leaks[0].text));
    QCOMPARE(ofKind(snapshot.pipeAt(reader, 0)->diagnostics, Kind::MultipleWriters).size(), 1);

    // The real writer finishes; the reader then waits forever for the daemon's end.
    ::kill(writer, SIGTERM);
    children.waitExit(writer, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), reader, 0), EndpointState::BlockedRead, 5000);
    snapshot = scanSystem();
    leaks = ofKind(snapshot.pipeAt(reader, 0)->diagnostics, Kind::LeakedWriteEnd);
    QCOMPARE(leaks.size(), 1);
    QVERIFY2(leaks[0].text.startsWith(QStringLiteral("reader `cat` (pid %1, fd 0) blocked on an empty pipe whose only "
                                                     "writer `sleep` (pid %2, fd 1) is outside its process group")
                                              .arg(reader)
                                              .arg(daemon)),
             qPrintable(leaks[0].text));
    // Killing the daemon gives the reader its EOF.
    ::kill(daemon, SIGKILL);
    const int status = children.waitExit(reader, 5000);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void TestDiagnostics::realOpenEnds()
{
    ChildProcesses children;
    auto [pipeRead, pipeWrite] = makePipe();
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeWrite, 1 } });
    Sys::close(pipeWrite);
    Sys::close(pipeRead);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(writer, 1) != nullptr, 5000);
    QList<Diagnostic> found = scanSystem().pipeAt(writer, 1)->diagnostics;
    QCOMPARE(found.size(), 1);
    QCOMPARE(found[0].kind, Kind::NoReader);

    std::tie(pipeRead, pipeWrite) = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { pipeRead, 0 } });
    Sys::close(pipeRead);
    QVERIFY(writeAll(pipeWrite, "0123456789"));
    Sys::close(pipeWrite);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(reader, 0) != nullptr, 5000);
    found = scanSystem().pipeAt(reader, 0)->diagnostics;
    QCOMPARE(found.size(), 1);
    // (With a caveat appended when some process could not be inspected.)
    QVERIFY2(found[0].text.startsWith(u"no writer left: readers get EOF after the 10 queued bytes"),
             qPrintable(found[0].text));
}

QTEST_GUILESS_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
