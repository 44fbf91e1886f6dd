// SystemMonitor: scans on its worker thread and delivers values in ours; probes only the pipes
// views ask for; coalesces refreshes; follows one pipe with a peek; a scope limits it to a few
// processes; destroying it mid-scan is clean (this suite runs under ASan, and under TSan in
// tests/run-tsan.sh: every hand-off between the monitor and its worker must be one TSan sees).
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>
#include <pipescope/sys.h>
#include <pipescope/systemmonitor.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <csignal>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

/// A pipe holding \a bytes, read (never) by a `sleep` child; we keep the write end.
struct HeldPipe
{
    pid_t reader = -1;
    Fd writeEnd;
    QByteArray bytes;
};

HeldPipe heldPipe(ChildProcesses &children, const QByteArray &bytes)
{
    HeldPipe pipe;
    const auto [readEnd, writeEnd] = makePipe();
    pipe.writeEnd.reset(writeEnd);
    pipe.bytes = bytes;
    writeAll(writeEnd, bytes);
    pipe.reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    Sys::close(readEnd);
    return pipe;
}

/// The next update of \a monitor after a refresh.
MonitorUpdate nextUpdate(SystemMonitor &monitor)
{
    QSignalSpy spy(&monitor, &SystemMonitor::updated);
    monitor.refreshNow();
    if (!spy.wait(10000))
        return {};
    return spy.takeFirst().at(0).value<MonitorUpdate>();
}

const PipeInfo *pipeOf(const MonitorUpdate &update, pid_t pid)
{
    return update.snapshot.pipeAt(pid, 0);
}

} // namespace

class TestSystemMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { std::signal(SIGPIPE, SIG_IGN); }
    void scansOnAWorkerThread();
    void interestLimitsTheProbes();
    void interestEndsWithTheView();
    void refreshesCoalesce();
    void focusProbesWithAPeek();
    void scopeKeepsTheLessonsPipes();
    void newScopeDropsOlderResults();
    void deletingMidScanIsClean();
    void resultsReachABusyThread();
    void flowingWriterIsNotStalled_data();
    void flowingWriterIsNotStalled();
};

void TestSystemMonitor::scansOnAWorkerThread()
{
    ChildProcesses children;
    const HeldPipe pipe = heldPipe(children, QByteArray(1000, 'x'));
    SystemMonitor monitor;
    PipeInterest everything;
    everything.all = true;
    monitor.setInterest(this, everything);
    QSignalSpy spy(&monitor, &SystemMonitor::updated);
    QVERIFY(spy.isValid());
    Qt::HANDLE deliveredOn = nullptr;
    connect(&monitor, &SystemMonitor::updated, this, [&] { deliveredOn = QThread::currentThreadId(); });
    QTRY_VERIFY_WITH_TIMEOUT((monitor.refreshNow(), pipeOf(monitor.latest(), pipe.reader) != nullptr), 10000);
    const MonitorUpdate update = monitor.latest();
    QVERIFY(update.scanThread != nullptr);
    QVERIFY(update.scanThread != QThread::currentThreadId()); // scanned off our thread...
    QCOMPARE(deliveredOn, QThread::currentThreadId());        // ...delivered in it
    QCOMPARE(*pipeOf(update, pipe.reader)->queued, qint64(1000));
    QVERIFY(update.scanNs > 0);
    QCOMPARE(queued(pipe.writeEnd.get()), 1000); // nothing consumed
}

void TestSystemMonitor::interestLimitsTheProbes()
{
    ChildProcesses children;
    const HeldPipe a = heldPipe(children, QByteArray(100, 'a'));
    const HeldPipe b = heldPipe(children, QByteArray(200, 'b'));
    SystemMonitor monitor;
    QTRY_VERIFY_WITH_TIMEOUT(pipeOf(nextUpdate(monitor), b.reader) != nullptr, 10000);
    // Nobody asked: the endpoints are there, no fill level is probed.
    MonitorUpdate update = nextUpdate(monitor);
    QVERIFY(!pipeOf(update, a.reader)->queued);
    QVERIFY(!pipeOf(update, b.reader)->queued);

    QObject view;
    monitor.setInterest(&view, { { pipeOf(update, a.reader)->key } });
    update = nextUpdate(monitor);
    QCOMPARE(pipeOf(update, a.reader)->queued, std::optional<qint64>(100));
    QVERIFY(!pipeOf(update, b.reader)->queued);

    QObject other; // a second view: the union is probed
    monitor.setInterest(&other, { { pipeOf(update, b.reader)->key } });
    update = nextUpdate(monitor);
    QCOMPARE(pipeOf(update, a.reader)->queued, std::optional<qint64>(100));
    QCOMPARE(pipeOf(update, b.reader)->queued, std::optional<qint64>(200));
    QCOMPARE(monitor.interest().pipes.size(), 2);
}

void TestSystemMonitor::interestEndsWithTheView()
{
    ChildProcesses children;
    const HeldPipe a = heldPipe(children, QByteArray(100, 'a'));
    SystemMonitor monitor;
    QTRY_VERIFY_WITH_TIMEOUT(pipeOf(nextUpdate(monitor), a.reader) != nullptr, 10000);
    auto *view = new QObject;
    monitor.setInterest(view, { { pipeOf(monitor.latest(), a.reader)->key } });
    QVERIFY(pipeOf(nextUpdate(monitor), a.reader)->queued);
    delete view;
    QCOMPARE(monitor.interest().pipes.size(), 0);
    QVERIFY(!pipeOf(nextUpdate(monitor), a.reader)->queued);
}

void TestSystemMonitor::refreshesCoalesce()
{
    SystemMonitor monitor;
    QSignalSpy spy(&monitor, &SystemMonitor::updated);
    for (int i = 0; i < 5; ++i)
        monitor.refreshNow(); // one scan runs, the four others make one more
    QVERIFY(monitor.isScanning());
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 10000);
    QTRY_VERIFY(!monitor.isScanning());
    QTest::qWait(100);
    QCOMPARE(spy.size(), 2);
}

void TestSystemMonitor::focusProbesWithAPeek()
{
    ChildProcesses children;
    const QByteArray bytes = randomBytes(5000, 7);
    const HeldPipe pipe = heldPipe(children, bytes);
    SystemMonitor monitor;
    QTRY_VERIFY_WITH_TIMEOUT(pipeOf(nextUpdate(monitor), pipe.reader) != nullptr, 10000);
    const PipeKey key = pipeOf(monitor.latest(), pipe.reader)->key;
    QSignalSpy probed(&monitor, &SystemMonitor::focusProbed);
    monitor.setFocus(key, 16, 50);
    monitor.start();
    QTRY_VERIFY_WITH_TIMEOUT(probed.size() >= 2, 10000); // repeated on its own timer
    const SafeProbeResult result = probed.last().at(1).value<SafeProbeResult>();
    QCOMPARE(probed.last().at(0).value<PipeKey>(), key);
    QVERIFY2(result.ok(), qPrintable(result.error.message()));
    QCOMPARE(result.sample.queued, qint64(5000));
    QCOMPARE(*result.peeked, bytes.left(16));
    QCOMPARE(result.probe->pid(), qint64(pipe.reader)); // through the reader's own end
    QCOMPARE(queued(pipe.writeEnd.get()), 5000);
    monitor.setFocus({}, -1, 50);
    QTest::qWait(200);
    const qsizetype count = probed.size();
    QTest::qWait(200);
    QCOMPARE(probed.size(), count);
}

void TestSystemMonitor::scopeKeepsTheLessonsPipes()
{
    ChildProcesses children;
    const HeldPipe ours = heldPipe(children, QByteArray(10, 'o'));
    // A pipe between two children alone (like a pipeline inside `sh -c`): in scope too.
    const auto [readEnd, writeEnd] = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    const pid_t writer = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { writeEnd, 1 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    const qint64 self = ::getpid();
    SystemMonitor monitor;
    MonitorScope scope;
    scope.pids = { self, ours.reader, reader, writer };
    scope.host = self;
    monitor.setScope(scope);
    PipeInterest everything;
    everything.all = true;
    monitor.setInterest(this, everything);
    // Not kept yet: our pipe is one we hold but did not name (as our inherited stderr).
    MonitorUpdate update;
    QTRY_VERIFY_WITH_TIMEOUT((update = nextUpdate(monitor)).snapshot.pipeAt(reader, 0) != nullptr, 10000);
    QVERIFY(!update.snapshot.pipeAt(ours.reader, 0));
    for (const PipeInfo &pipe : std::as_const(update.snapshot.pipes))
        QVERIFY(!SnapshotFormat::participants(pipe).contains(self));
    QCOMPARE(update.scopeStates.size(), 3);
    QVERIFY(!update.scopeStates.contains(self));
    QCOMPARE(update.scopeStates.value(writer).activity(), ProcessState::Activity::Sleeping);

    const PipeKey named = scanSystem().pipeAt(ours.reader, 0)->key;
    scope.keep = { named };
    monitor.setScope(scope);
    update = nextUpdate(monitor);
    QVERIFY(update.snapshot.pipeAt(ours.reader, 0));
    QCOMPARE(*update.snapshot.pipeAt(ours.reader, 0)->queued, qint64(10));
    QCOMPARE(update.snapshot.pipes.size(), 2);
}

void TestSystemMonitor::newScopeDropsOlderResults()
{
    SystemMonitor monitor;
    QSignalSpy spy(&monitor, &SystemMonitor::updated);
    monitor.refreshNow();
    MonitorScope scope;
    scope.pids = { ::getpid() };
    monitor.setScope(scope); // the scan in flight is of the old scope
    QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, 10000);
    const MonitorUpdate update = spy.at(0).at(0).value<MonitorUpdate>();
    QCOMPARE(update.generation, monitor.latest().generation);
    QCOMPARE(update.snapshot.processesScanned + update.snapshot.processesSkipped, 1);
}

void TestSystemMonitor::deletingMidScanIsClean()
{
    int delivered = 0;
    for (int delayMs : { 0, 1, 3, 7, 15 }) {
        auto *monitor = new SystemMonitor;
        connect(monitor, &SystemMonitor::updated, this, [&delivered] { ++delivered; });
        PipeInterest everything;
        everything.all = true;
        monitor->setInterest(this, everything);
        monitor->refreshNow();
        QThread::msleep(ulong(delayMs)); // mid-scan on the worker (a full scan takes longer)
        QVERIFY(monitor->isScanning());
        delete monitor;
    }
    QTest::qWait(200); // anything still queued would arrive now
    QCOMPARE(delivered, 0);
}

void TestSystemMonitor::resultsReachABusyThread()
{
    // Issue 11: requests and results cross between the threads through the worker's mailbox.
    // When our thread is busy as results arrive it handles them without first reading the
    // event loop's eventfd (which TSan counts as a hand-off), so then only the mailbox's lock
    // orders them: under tests/run-tsan.sh this test is what shows a hand-off outside it.
    ChildProcesses children;
    const HeldPipe pipe = heldPipe(children, randomBytes(300, 11));
    SystemMonitor monitor;
    QTRY_VERIFY_WITH_TIMEOUT(pipeOf(nextUpdate(monitor), pipe.reader) != nullptr, 10000);
    const PipeKey key = pipeOf(monitor.latest(), pipe.reader)->key;
    QSignalSpy updates(&monitor, &SystemMonitor::updated);
    QSignalSpy probed(&monitor, &SystemMonitor::focusProbed);
    QVERIFY(updates.isValid() && probed.isValid());
    monitor.setInterval(1);
    monitor.setFocus(key, 8, 1);
    monitor.start();
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000 && (updates.size() < 5 || probed.size() < 200)) {
        QThread::msleep(1); // busy: the worker's results queue up behind us
        QCoreApplication::processEvents();
    }
    monitor.stop();
    QVERIFY2(updates.size() >= 5 && probed.size() >= 200,
             qPrintable(QStringLiteral("%1 updates, %2 probes").arg(updates.size()).arg(probed.size())));
    for (const QList<QVariant> &update : std::as_const(updates)) {
        const MonitorUpdate value = update.at(0).value<MonitorUpdate>();
        QVERIFY(value.scanThread != QThread::currentThreadId());
        QVERIFY(pipeOf(value, pipe.reader) != nullptr);
    }
    for (const QList<QVariant> &probe : std::as_const(probed)) {
        const SafeProbeResult result = probe.at(1).value<SafeProbeResult>();
        QCOMPARE(probe.at(0).value<PipeKey>(), key);
        QVERIFY2(result.ok(), qPrintable(result.error.message()));
        QCOMPARE(result.sample.queued, qint64(300));
        QCOMPARE(*result.peeked, pipe.bytes.left(8));
    }
}

QTEST_GUILESS_MAIN(TestSystemMonitor)
void TestSystemMonitor::flowingWriterIsNotStalled_data()
{
    QTest::addColumn<QStringList>("source");
    QTest::addColumn<QStringList>("limiter");
    QTest::addColumn<QString>("pause");
    QTest::addColumn<double>("rate");
    // pv -L moves its bytes with splice (its own counters stand still), asleep in select between
    // bursts; explorer_slowcat reads 4 KiB and sleeps 10 ms.
    QTest::newRow("pv -L 1m") << QStringList { QStringLiteral("cat"), QStringLiteral("/dev/urandom") }
                              << QStringList { QStringLiteral("pv"), QStringLiteral("-q"), QStringLiteral("-L"), QStringLiteral("1m") }
                              << QStringLiteral("poll/select") << 1048576.0;
    QTest::newRow("slowcat") << QStringList { QStringLiteral("cat"), QStringLiteral("/dev/zero") }
                             << QStringList { helperPath(QStringLiteral("explorer_slowcat")), QStringLiteral("4096"), QStringLiteral("10000") }
                             << QStringLiteral("nanosleep") << 409600.0;
}

void TestSystemMonitor::flowingWriterIsNotStalled()
{
    // Issue 16: on `cat /dev/urandom | pv -q -L 1m | sha256sum` the System page drew cat red,
    // "blocked for 1 min on a full pipe", while it wrote 1 MB/s, and pv, the limit, was "waiting
    // in poll/select/epoll for other input".
    QFETCH(QStringList, source);
    QFETCH(QStringList, limiter);
    QFETCH(QString, pause);
    QFETCH(double, rate);
    if (QStandardPaths::findExecutable(limiter.first()).isEmpty() && !QFile::exists(limiter.first()))
        QSKIP(qPrintable(QStringLiteral("%1 is missing (.ci/install-deps.sh installs pv)").arg(limiter.first())));
    ChildProcesses children;
    const ThreeStages stages = spawnThreeStages(children, source, limiter, { QStringLiteral("sha256sum") });
    const pid_t writer = stages.source, middle = stages.middle, sink = stages.sink;
    SystemMonitor monitor;
    watchOnly(monitor, this, { writer, middle, sink });
    // Rates need two scans; the writer must have been seen blocked in at least one of them.
    // Latched: QTRY evaluates its condition once more after it held, and each evaluation here
    // is a new scan.
    MonitorUpdate update;
    const PipeInfo *pipe = nullptr;
    const auto blockedAndRated = [&] {
        if (pipe)
            return true;
        update = nextUpdate(monitor);
        const PipeInfo *candidate = update.snapshot.pipeAt(writer, 1);
        if (candidate && candidate->rate > 0 && !candidate->diagnostics.isEmpty())
            pipe = candidate;
        return pipe != nullptr;
    };
    QTRY_VERIFY_WITH_TIMEOUT(blockedAndRated(), 20000);
    const Diagnostic &first = pipe->diagnostics.first();
    QCOMPARE(first.kind, Diagnostic::Kind::WriterBlockedOnFullPipe);
    QCOMPARE(first.severity, Diagnostic::Severity::Info);
    QVERIFY2(first.text.contains(QStringLiteral("is flowing")), qPrintable(first.text));
    // The limiter runs between its sleeps (longer on a loaded machine): wait for a scan that
    // finds it asleep, which is what the words are about.
    const QString pacing = QStringLiteral("limits its own pace (asleep in %1 between bursts").arg(pause);
    QString limit = PipeDiagnostics::activity(update.snapshot, middle);
    for (int scans = 0; !limit.startsWith(pacing) && scans < 20; ++scans)
        limit = PipeDiagnostics::activity(nextUpdate(monitor).snapshot, middle);
    QVERIFY2(limit.startsWith(pacing), qPrintable(limit));
    // One scan's delta of 128 KiB writes: the rate is near the limit, not exact.
    QVERIFY2(pipe->rate > rate * 0.5 && pipe->rate < rate * 1.6, qPrintable(QString::number(pipe->rate)));
}

#include "tst_systemmonitor.moc"
