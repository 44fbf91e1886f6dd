// ProcScanner on real pipelines, FIFOs and processes started by the test: it finds exactly
// their pipes and endpoints (checked against lsof +E -F), their states, and queued bytes that
// match what the writers wrote -- without consuming anything.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/pipeprobe.h>
#include <pipescope/procscanner.h>
#include <pipescope/sys.h>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <csignal>
#include <thread>
#include <sys/stat.h>
#include <sys/wait.h>

using namespace PipeScope;
using namespace PipeScope::Test;

Q_DECLARE_METATYPE(PipeScope::EndpointState)

namespace {

/// Endpoints and commands only: no states, no fill levels.
ScanOptions endpointsOnly()
{
    ScanOptions options;
    options.states = false;
    options.fillLevels = false;
    return options;
}

/// The first process of \a pids whose comm is \a comm, or -1.
pid_t findByComm(const QList<pid_t> &pids, const QString &comm)
{
    const SystemSnapshot snapshot = ProcScanner().scan(endpointsOnly());
    for (pid_t pid : pids) {
        const ProcessInfo *process = snapshot.process(pid);
        if (process && process->comm == comm)
            return pid;
    }
    return -1;
}

const PipeInfo *pipeOf(const SystemSnapshot &snapshot, pid_t pid, int fd)
{
    return snapshot.pipeAt(pid, fd);
}

/// FIONREAD through our own short read-only reopen: an independent check of the scan's number.
int queuedVia(pid_t pid, int fd)
{
    Fd reopened(Sys::open(QByteArray("/proc/" + QByteArray::number(pid) + "/fd/" + QByteArray::number(fd)).constData(),
                          O_RDONLY | O_NONBLOCK));
    return reopened ? Sys::queuedBytes(reopened.get()) : -1;
}

/// What explorer_source writes for \a seed: its xorshift32 stream, top byte of each step.
QByteArray sourceBytes(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    quint32 state = seed;
    for (qsizetype i = 0; i < size; ++i) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes[i] = char(state >> 24);
    }
    return bytes;
}

QString helper(const char *name)
{
    return helperPath(QLatin1String(name));
}

} // namespace

class TestProcScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shellPipelineMatchesLsof();
    void queuedBytesMatchWriterCounts_data();
    void queuedBytesMatchWriterCounts();
    void fifoEndpoints();
    void readWriteFifoEndpoint();
    void fifoOpenerHoldingNoPipe();
    void stoppedAndZombieStates();
    void vanishingProcessesAreSkipped();
    void observedPipelineDeliversSameSha256();
    void endpointScanWithoutStatesOrFill();
    void sameResultOnOneOrManyThreads();
    void onlyTheGivenProcesses();
};

void TestProcScanner::shellPipelineMatchesLsof()
{
    ChildProcesses children;
    const auto [outRead, outWrite] = makePipe();
    const pid_t sh = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"),
                                      // 1 MiB is far more than the two pipes and head's buffer
                                      // hold, so both block; and it flows in a moment at the end.
                                      QStringLiteral("yes | head -c 1M | (sleep 600; wc -c)") },
                                    { { outWrite, 1 } }, true);
    Sys::close(outWrite);
    QVERIFY(sh > 0);
    pid_t yes = -1, head = -1;
    QTRY_VERIFY_WITH_TIMEOUT((yes = findByComm(ChildProcesses::groupMembers(sh), QStringLiteral("yes"))) > 0
                                     && (head = findByComm(ChildProcesses::groupMembers(sh), QStringLiteral("head"))) > 0,
                             5000);
    // head blocks once the pipe to the sleeping subshell is full; then yes blocks on head.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), head, 1), EndpointState::BlockedWrite, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), yes, 1), EndpointState::BlockedWrite, 5000);

    const SystemSnapshot snapshot = scanSystem();
    const QList<pid_t> members = ChildProcesses::groupMembers(sh);
    QCOMPARE(scannedPipeEndpoints(snapshot, members), lsofPipeEndpoints(members));

    QCOMPARE(stateOf(snapshot, head, 0), EndpointState::BlockedElsewhere);
    const PipeInfo *first = pipeOf(snapshot, yes, 1);
    const PipeInfo *second = pipeOf(snapshot, head, 1);
    QVERIFY(first && second && first != second);
    QCOMPARE(pipeOf(snapshot, head, 0), first);
    QCOMPARE(first->key.kind, PipeKind::Pipe);
    QVERIFY(first->capacity && second->capacity && first->queued && second->queued);
    QCOMPARE(*first->capacity, qint64(65536));
    QCOMPARE(*first->queued, qint64(queuedVia(yes, 1))); // both ends blocked: nothing moves
    QCOMPARE(*second->queued, qint64(queuedVia(head, 1)));
    QVERIFY2(*second->queued > 65536 - 8192, qPrintable(QString::number(*second->queued)));
    // The second pipe's readers: the subshell (waiting for sleep) and sleep itself.
    QCOMPARE(second->readerPids().size(), 2);
    for (qint64 reader : second->readerPids())
        QCOMPARE(stateOf(snapshot, pid_t(reader), 0), EndpointState::Sleeping);
    QCOMPARE(snapshot.commandOf(head), QStringLiteral("head -c 1M"));

    // Nothing was consumed: wc counts every byte once the sleep ends. (The test ends it: a
    // fixed sleep is shorter than a whole-system scan on a loaded machine.)
    const pid_t sleeper = findByComm(members, QStringLiteral("sleep"));
    QVERIFY(sleeper > 0);
    QCOMPARE(::kill(sleeper, SIGTERM), 0);
    QCOMPARE(readAll(outRead), QByteArray("1048576\n"));
    Sys::close(outRead);
    const int status = children.waitExit(sh, 30000);
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void TestProcScanner::queuedBytesMatchWriterCounts_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("chunk");
    QTest::addColumn<int>("queued");
    QTest::addColumn<EndpointState>("writerState");
    QTest::newRow("10000 in 1000s, then idle") << 10000 << 1000 << 10000 << EndpointState::Sleeping;
    QTest::newRow("2049-byte records") << 20490 << 2049 << 20490 << EndpointState::Sleeping;
    QTest::newRow("100000 in 4096s: full, blocked") << 100000 << 4096 << 65536
                                                     << EndpointState::BlockedWrite;
}

void TestProcScanner::queuedBytesMatchWriterCounts()
{
    QFETCH(int, bytes);
    QFETCH(int, chunk);
    QFETCH(int, queued);
    QFETCH(EndpointState, writerState);
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    const auto [gateRead, gateWrite] = makePipe();
    const auto [outRead, outWrite] = makePipe();
    // gated_reader leaves its stdin unread until a byte arrives on fd 3, then counts it all.
    const pid_t reader = children.spawn({ helper("gated_reader") },
                                        { { pipeRead, 0 }, { gateRead, 3 }, { outWrite, 1 } });
    const pid_t writer = children.spawn({ helper("explorer_source"), QString::number(bytes),
                                          QString::number(chunk), QStringLiteral("hold") },
                                        { { pipeWrite, 1 } });
    for (int fd : { pipeRead, pipeWrite, gateRead, outWrite })
        Sys::close(fd);
    QVERIFY(reader > 0 && writer > 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), writerState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), reader, 0), EndpointState::BlockedElsewhere, 5000);
    const SystemSnapshot snapshot = scanSystem();
    const PipeInfo *pipe = pipeOf(snapshot, writer, 1);
    QVERIFY(pipe);
    QCOMPARE(pipeOf(snapshot, reader, 0), pipe);
    QCOMPARE(endpointsOf(snapshot, writer).filter(QStringLiteral(":%1").arg(pipe->key.inode)).size(), 1);
    QVERIFY(pipe->queued);
    QCOMPARE(*pipe->queued, qint64(queued));
    QCOMPARE(*pipe->capacity, qint64(65536));
    QVERIFY(pipe->unreachableReason.isEmpty());

    // Open the gate: the reader counts everything the writer wrote, scan or not.
    QVERIFY(writeAll(gateWrite, "g"));
    Sys::close(gateWrite);
    // Once drained, the writer finishes and idles holding the write end; the reader needs EOF.
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::Sleeping, 5000);
    ::kill(writer, SIGTERM);
    children.waitExit(writer, 5000);
    QCOMPARE(readAll(outRead).split(' ').value(0), QByteArray::number(bytes));
    Sys::close(outRead);
}

void TestProcScanner::fifoEndpoints()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("a) fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    ChildProcesses children;
    const auto [outRead, outWrite] = makePipe();
    // sh blocks in open(O_RDONLY) until a writer comes (wait_for_partner), then becomes sleep.
    const pid_t reader = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"),
                                          QStringLiteral("exec sleep 600 < \"$0\""), path },
                                        { { outWrite, 1 } });
    Sys::close(outWrite);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), reader, 1), EndpointState::BlockedOpen, 5000);
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &status), 0);
    const PipeKey key { PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) };
    {
        // Nobody holds the FIFO yet: sh is listed with it as an opener, found through the
        // path in its open() call, and the diagnostic says what would release it.
        const SystemSnapshot waiting = scanSystem();
        const PipeInfo *pending = waiting.pipe(key);
        QVERIFY(pending);
        QVERIFY(pending->endpoints.isEmpty());
        QCOMPARE(pending->path, path);
        QCOMPARE(pending->openers.size(), 1);
        QCOMPARE(pending->openers[0].pid, qint64(reader));
        QCOMPARE(pending->openers[0].tid, qint64(reader));
        QCOMPARE(pending->openers[0].mode, EndpointMode::Read);
        QCOMPARE(pending->diagnostics.size(), 1);
        const Diagnostic &diagnostic = pending->diagnostics[0];
        QCOMPARE(diagnostic.kind, Diagnostic::Kind::OpenBlocked);
        QVERIFY2(diagnostic.text.contains(QStringLiteral("in open() of FIFO %1 for reading").arg(path)),
                 qPrintable(diagnostic.text));
        // The path has a space and a parenthesis: the suggested command quotes it.
        QVERIFY2(diagnostic.text.contains(QStringLiteral("`echo hi > '%1'`").arg(path)), qPrintable(diagnostic.text));
    }

    Fd writeEnd(Sys::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK));
    QVERIFY(writeEnd);
    QVERIFY(Sys::fcntl(writeEnd.get(), F_SETFL, 0) == 0); // blocking again for the writer
    const pid_t writer = children.spawn({ helper("explorer_source"), QStringLiteral("5000"),
                                          QStringLiteral("1000"), QStringLiteral("hold") },
                                        { { writeEnd.get(), 1 } });
    writeEnd.close();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), reader, 0), EndpointState::Sleeping, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), writer, 1), EndpointState::Sleeping, 5000);

    SystemSnapshot snapshot = scanSystem();
    const PipeInfo *fifo = snapshot.pipeAt(reader, 0);
    QVERIFY(fifo);
    QCOMPARE(fifo->key.kind, PipeKind::Fifo);
    QCOMPARE(fifo->path, path);
    QVERIFY(!fifo->deleted);
    QVERIFY(fifo->openers.isEmpty());
    QCOMPARE(fifo->key.inode, quint64(status.st_ino));
    QCOMPARE(fifo->key.device, quint64(status.st_dev));
    QCOMPARE(endpointsOf(snapshot, writer).filter(QStringLiteral(":%1").arg(status.st_ino)),
             QStringList { QStringLiteral("1:w:%1").arg(status.st_ino) });
    QCOMPARE(*fifo->capacity, qint64(65536));
    const QList<pid_t> both { reader, writer };
    QCOMPARE(scannedPipeEndpoints(snapshot, both), lsofPipeEndpoints(both));

    QCOMPARE(::unlink(QFile::encodeName(path).constData()), 0);
    snapshot = scanSystem();
    fifo = snapshot.pipeAt(reader, 0);
    QVERIFY(fifo && fifo->deleted);
    QCOMPARE(fifo->path, path);
    QCOMPARE(*fifo->queued, qint64(5000)); // the read end is still held: still reachable
    Sys::close(outRead);
}

void TestProcScanner::readWriteFifoEndpoint()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rw"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    ChildProcesses children;
    // O_RDWR on a FIFO never blocks (docs/kernel-behaviour.md §8): the holder is both reader and writer.
    const pid_t holder = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"),
                                          QStringLiteral("exec sleep 600 <> \"$0\""), path });
    // Until sleep runs, the shell may hold the FIFO twice: opened on a spare fd, then dup2'd
    // to 0 before that fd is closed.
    SystemSnapshot snapshot;
    QTRY_VERIFY_WITH_TIMEOUT((snapshot = scanSystem()).pipeAt(holder, 0) != nullptr
                                     && snapshot.commandOf(holder) == QStringLiteral("sleep 600"),
                             5000);
    const PipeInfo *fifo = snapshot.pipeAt(holder, 0);
    QCOMPARE(fifo->endpoints.size(), 1);
    QCOMPARE(fifo->endpoints[0].mode, EndpointMode::ReadWrite);
    QVERIFY(fifo->queued);
    QCOMPARE(*fifo->queued, qint64(0));
    QVERIFY(fifo->diagnostics.isEmpty());
}

void TestProcScanner::fifoOpenerHoldingNoPipe()
{
    QTemporaryDir dir;
    const QString path = makeFifo(dir, QStringLiteral("out"));
    QVERIFY(!path.isEmpty());
    ChildProcesses children;
    // The shell opens "out" relative to its cwd for writing and waits for a reader. Its stdio
    // is /dev/null: it holds no pipe at all, only its wait_for_partner gives it away.
    const pid_t writer = children.spawnQuiet({ QStringLiteral("sh"), QStringLiteral("-c"),
                                               QStringLiteral("cd \"$0\" && exec echo hello > out"), dir.path() });
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &status), 0);
    const PipeKey key { PipeKind::Fifo, quint64(status.st_dev), quint64(status.st_ino) };
    ScanOptions options;
    options.pids = { writer };
    SystemSnapshot snapshot;
    // (Any other pipe it lists is one the test runner leaked into us and so into sh.)
    QTRY_VERIFY_WITH_TIMEOUT((snapshot = ProcScanner().scan(options)).pipe(key), 5000);
    const PipeInfo fifo = *snapshot.pipe(key);
    QCOMPARE(fifo.path, path); // resolved against the shell's cwd
    QVERIFY(fifo.endpoints.isEmpty());
    QCOMPARE(fifo.openers.size(), 1);
    QCOMPARE(fifo.openers[0].pid, qint64(writer));
    QCOMPARE(fifo.openers[0].mode, EndpointMode::Write);
    QVERIFY(!fifo.queued);
    QVERIFY2(fifo.unreachableReason.contains(QStringLiteral("nobody has it open")), qPrintable(fifo.unreachableReason));
    QVERIFY(snapshot.process(writer));
    QCOMPARE(snapshot.process(writer)->comm, QStringLiteral("sh"));
    QCOMPARE(snapshot.process(writer)->wchan, QStringLiteral("wait_for_partner"));
    PipeDiagnostics::annotate(snapshot);
    const QList<Diagnostic> diagnostics = snapshot.pipe(key)->diagnostics;
    QCOMPARE(diagnostics.size(), 1);
    const QString text = diagnostics[0].text;
    QCOMPARE(diagnostics[0].severity, Diagnostic::Severity::Warning);
    QVERIFY2(text.contains(QStringLiteral("`sh` (pid %1) is blocked in open() of FIFO %2 for writing").arg(writer).arg(path)),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("`cat %1`").arg(path)) && text.contains(QStringLiteral("ENXIO")),
             qPrintable(text));
    // An endpoint scan (no states) reads no wchan and so does not see it.
    options.states = false;
    QVERIFY(!ProcScanner().scan(options).pipe(key));

    // The scans only stat()ed the FIFO: the writer still waits, and when we open the read end
    // it writes its line, whole, and exits.
    QCOMPARE(processState(writer), 'S');
    Fd reader(Sys::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK));
    QVERIFY(reader);
    QCOMPARE(Sys::fcntl(reader.get(), F_SETFL, 0), 0);
    QCOMPARE(readAll(reader.get()), QByteArray("hello\n"));
    const int exit = children.waitExit(writer, 5000);
    QVERIFY(WIFEXITED(exit) && WEXITSTATUS(exit) == 0);
}

void TestProcScanner::stoppedAndZombieStates()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    const pid_t stopped = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                         { { pipeRead, 0 } });
    Sys::close(pipeRead);
    QCOMPARE(::kill(stopped, SIGSTOP), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), stopped, 0), EndpointState::Stopped, 5000);
    QCOMPARE(::kill(stopped, SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(scanSystem(), stopped, 0), EndpointState::Sleeping, 5000);
    // Our own write end: this process holds it, and it is running the scan. One thread: with
    // a pool, the main thread may already wait for the workers (asleep) when ours is read.
    ScanOptions oneThread;
    oneThread.threads = 1;
    const SystemSnapshot snapshot = ProcScanner().scan(oneThread);
    QCOMPARE(stateOf(snapshot, ::getpid(), pipeWrite), EndpointState::Running);
    Sys::close(pipeWrite);
}

void TestProcScanner::vanishingProcessesAreSkipped()
{
    // Processes come and go while we scan; each one that vanishes mid-scan is counted and
    // skipped with its reason, and every scan completes. Only our own churning processes are
    // scanned and asserted about: another process on the machine may hold anything (a FIFO
    // someone is blocked opening has no endpoints by design — issue 17 item 8).
    ChildProcesses children;
    // The loop's shell holds its own pipe only between fork and close: its stdout on a pipe of
    // ours keeps it listed, whatever our own stdout is (ctest's pipe, or run-tsan.sh's log file).
    const auto [outRead, outWrite] = makePipe();
    const pid_t churn = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"),
                                         QStringLiteral("while :; do /bin/true | /bin/true; done") },
                                       { { outWrite, 1 } }, true);
    Sys::close(outWrite);
    QVERIFY(churn > 0);
    int skippedTotal = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 200 && timer.elapsed() < 8000; ++i) {
        // The group's members listed now are partly gone by the time each one is read.
        ScanOptions options;
        for (const pid_t member : ChildProcesses::groupMembers(churn))
            options.pids.append(member);
        if (!options.pids.contains(churn))
            options.pids.append(churn);
        SystemSnapshot snapshot = ProcScanner().scan(options);
        PipeDiagnostics::annotate(snapshot);
        QVERIFY(snapshot.process(churn)); // the loop's shell never exits, and holds our pipe
        QCOMPARE(snapshot.processesSkipped, int(snapshot.skipped.size()));
        for (const SkippedProcess &skipped : snapshot.skipped) {
            QVERIFY2(skipped.error.code() == ENOENT || skipped.error.code() == ESRCH, qPrintable(skipped.error.message()));
            QCOMPARE(skipped.error.message(), QStringLiteral("exited during the scan"));
            ++skippedTotal;
        }
        // A pipe is listed for the processes that hold it: one whose holders all vanished
        // mid-scan is not listed as a pipe without ends.
        for (const PipeInfo &pipe : snapshot.pipes)
            QVERIFY(!pipe.endpoints.isEmpty());
    }
    qInfo("processes skipped as vanished over the run: %d", skippedTotal);
    Sys::close(outRead);
}

void TestProcScanner::observedPipelineDeliversSameSha256()
{
    const qsizetype size = 16 * 1024 * 1024;
    const QByteArray expected = sha256(sourceBytes(size, 7));
    const QString command = QStringLiteral("%1 %2 0 exit 7 | %3 8192 1000 | sha256sum")
                                    .arg(helper("explorer_source"))
                                    .arg(size)
                                    .arg(helper("explorer_slowcat"));
    QByteArray hashes[2];
    int peeksWithData = 0;
    for (int observed = 0; observed < 2; ++observed) {
        ChildProcesses children;
        const auto [outRead, outWrite] = makePipe();
        const pid_t sh = children.spawn({ QStringLiteral("sh"), QStringLiteral("-c"), command },
                                        { { outWrite, 1 } }, true);
        Sys::close(outWrite);
        Fd out(outRead);
        QVERIFY(Sys::fcntl(out.get(), F_SETFL, O_NONBLOCK) == 0);
        QByteArray output;
        QElapsedTimer timer;
        timer.start();
        // Observed: full scans with fill levels at up to 10 Hz on a thread of their own, and a
        // peek at the slow reader's input at 10 Hz here (a scan of a loaded machine can take
        // longer than the whole pipeline runs).
        std::atomic<bool> done { false };
        pid_t slowcat = -1;
        std::thread scanning([&] {
            for (; observed && !done; QThread::msleep(100))
                scanSystem();
        });
        while (!output.endsWith('\n') && timer.elapsed() < 60000) {
            char buffer[256];
            const ssize_t n = Sys::read(out.get(), buffer, sizeof buffer);
            if (n > 0)
                output.append(buffer, n);
            if (observed) {
                if (slowcat <= 0) // looked up once: a walk over /proc is slow on a loaded machine
                    slowcat = findByComm(ChildProcesses::groupMembers(sh), QStringLiteral("explorer_slowca"));
                if (slowcat > 0) {
                    const auto peeked = PipeProbe::forProcessFd(slowcat, 0).peek(65536);
                    peeksWithData += peeked && !peeked->isEmpty();
                }
            }
            QThread::msleep(100);
        }
        done = true;
        scanning.join();
        hashes[observed] = output.left(64);
        children.waitExit(sh, 10000);
    }
    QCOMPARE(hashes[0], expected);
    QCOMPARE(hashes[1], expected);
    QVERIFY2(peeksWithData >= 3, qPrintable(QString::number(peeksWithData)));
}

void TestProcScanner::endpointScanWithoutStatesOrFill()
{
    ChildProcesses children;
    const auto [pipeRead, pipeWrite] = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                        { { pipeRead, 0 } });
    Sys::close(pipeRead);
    QTRY_VERIFY_WITH_TIMEOUT(ProcScanner().scan(endpointsOnly()).pipeAt(reader, 0) != nullptr, 5000);
    const SystemSnapshot snapshot = ProcScanner().scan(endpointsOnly());
    const PipeInfo *pipe = snapshot.pipeAt(reader, 0);
    QCOMPARE(pipe->endpoints.size(), 2); // sleep's read end and our write end
    QVERIFY(!pipe->queued);
    QCOMPARE(stateOf(snapshot, reader, 0), EndpointState::Unknown);
    QCOMPARE(snapshot.commandOf(reader), QStringLiteral("sleep 600"));
    QCOMPARE(snapshot.fillNs, qint64(0));
    Sys::close(pipeWrite);
}

void TestProcScanner::sameResultOnOneOrManyThreads()
{
    ChildProcesses children;
    QList<pid_t> pids;
    for (int i = 0; i < 20; ++i) {
        const auto [readEnd, writeEnd] = makePipe();
        pids << children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
        pids << children.spawn({ helper("explorer_source"), QString::number(100 * i), QStringLiteral("100"),
                                 QStringLiteral("hold") },
                               { { writeEnd, 1 } });
        Sys::close(readEnd);
        Sys::close(writeEnd);
    }
    const auto scanWith = [&](int threads) {
        ScanOptions options;
        options.threads = threads;
        const SystemSnapshot snapshot = ProcScanner().scan(options);
        QStringList result = scannedPipeEndpoints(snapshot, pids);
        for (qsizetype i = 0; i < pids.size(); ++i) {
            const int fd = i % 2; // readers hold fd 0, writers fd 1
            const PipeInfo *pipe = snapshot.pipeAt(pids[i], fd);
            result << QStringLiteral("%1 %2 %3").arg(pids[i]).arg(pipe ? pipe->queued.value_or(-1) : -2)
                              .arg(endpointStateName(stateOf(snapshot, pids[i], fd)));
        }
        return result;
    };
    QTRY_COMPARE_WITH_TIMEOUT(scanWith(1).filter(QRegularExpression(QStringLiteral(" -[12] "))).size(), 0, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(scanWith(4), scanWith(1), 5000);
    QCOMPARE(scanWith(2), scanWith(1));
}

void TestProcScanner::onlyTheGivenProcesses()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    const pid_t other = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    Sys::close(readEnd);
    ScanOptions options;
    options.pids = { reader, 999999999 }; // the second cannot exist (above pid_max)
    SystemSnapshot snapshot;
    QTRY_VERIFY_WITH_TIMEOUT((snapshot = ProcScanner().scan(options)).pipeAt(reader, 0), 5000);
    QCOMPARE(snapshot.processesScanned, 1);
    QCOMPARE(snapshot.processes.keys(), QList<qint64> { reader });
    QCOMPARE(snapshot.skipped.size(), 1);
    QCOMPARE(snapshot.skipped.constFirst().pid, 999999999);
    QCOMPARE(snapshot.skipped.constFirst().error.code(), ENOENT);
    // Only the scanned holders are listed: neither `other` nor our write end.
    QCOMPARE(snapshot.pipeAt(reader, 0)->endpoints.size(), 1);
    QVERIFY(!snapshot.process(other));
    QCOMPARE(snapshot.pipeAt(reader, 0)->queued.value_or(-1), 0);
    Sys::close(writeEnd);
}

QTEST_GUILESS_MAIN(TestProcScanner)
#include "tst_procscanner.moc"
