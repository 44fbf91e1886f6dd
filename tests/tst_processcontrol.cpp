// ProcessControl: `yes | cat`, and cat stopped. The plan says beforehand that cat's input pipe
// fills and `yes` blocks; after SIGSTOP it does (the pipe is full, yes sleeps in pipe_write);
// SIGCONT lets it flow again. A pid that now names another process is not signalled.
#include "explorertestsupport.h"
#include "testsupport.h"

#include <pipescope/fd.h>
#include <pipescope/processcontrol.h>
#include <pipescope/processstate.h>
#include <pipescope/procscanner.h>
#include <pipescope/safeprobe.h>
#include <pipescope/sys.h>

#include <QTest>

#include <fcntl.h>

using namespace PipeScope;
using namespace PipeScope::Test;

using Activity = ProcessState::Activity;
Q_DECLARE_METATYPE(PipeScope::ProcessState::Activity)

namespace {

Activity activityOf(pid_t pid)
{
    return ProcessState::read(pid).activity();
}

} // namespace

class TestProcessControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stopReaderBacksUpTheWriter();
    void refusesAReusedPid();
    void goneProcess();
};

void TestProcessControl::stopReaderBacksUpTheWriter()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t cat = children.spawn({ QStringLiteral("cat") }, { { readEnd, 0 }, { devNull.get(), 1 } });
    const pid_t yes = children.spawn({ QStringLiteral("yes") }, { { writeEnd, 1 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    SystemSnapshot snapshot;
    QTRY_VERIFY_WITH_TIMEOUT((snapshot = scanSystem()).pipeAt(cat, 0) != nullptr && snapshot.pipeAt(yes, 1), 5000);
    const PipeKey key = snapshot.pipeAt(cat, 0)->key;

    const ProcessControl::Plan stop = ProcessControl::plan(snapshot, cat, ProcessControl::Action::Stop);
    QCOMPARE(stop.target.pid, qint64(cat));
    QCOMPARE(stop.target.startTime, ProcessState::read(cat).stat().startTime);
    QCOMPARE(stop.processName, QStringLiteral("`cat` (pid %1)").arg(cat));
    const auto input = std::find_if(stop.backups.cbegin(), stop.backups.cend(),
                                    [&](const PipeBackup &backup) { return backup.pipe == key; });
    QVERIFY(input != stop.backups.cend());
    QVERIFY(input->reads);
    QCOMPARE(input->fd, 0);
    QCOMPARE(input->others, QList<qint64> { yes }); // who will block
    QVERIFY(std::any_of(stop.lines.cbegin(), stop.lines.cend(), [&](const QString &line) {
        return line.contains(QStringLiteral("written by `yes` (pid %1): its writers block once it is full").arg(yes));
    }));

    Error error;
    QVERIFY2(ProcessControl::send(stop.target, ProcessControl::Action::Stop, &error), qPrintable(error.message()));
    QVERIFY(ProcessControl::waitForState(cat, ProcessControl::Action::Stop, 5000));
    QCOMPARE(activityOf(cat), Activity::Stopped);
    // What the plan said: the pipe fills and the writer blocks in write().
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(yes), Activity::BlockedWriting, 5000);
    const SafeProbeResult full = SafeProbe::probe(*scanSystem().pipe(key));
    QVERIFY2(full.ok(), qPrintable(full.error.message()));
    QCOMPARE(full.sample.queued, full.sample.capacity);

    const ProcessControl::Plan resume = ProcessControl::plan(scanSystem(), cat, ProcessControl::Action::Continue);
    QVERIFY(std::any_of(resume.lines.cbegin(), resume.lines.cend(),
                        [](const QString &line) { return line.contains(u"the queued bytes drain again"); }));
    QVERIFY2(ProcessControl::send(resume.target, ProcessControl::Action::Continue, &error), qPrintable(error.message()));
    QVERIFY(ProcessControl::waitForState(cat, ProcessControl::Action::Continue, 5000));
    QVERIFY(activityOf(cat) != Activity::Stopped);
}

void TestProcessControl::refusesAReusedPid()
{
    ChildProcesses children;
    const pid_t sleeper = children.spawnQuiet({ QStringLiteral("sleep"), QStringLiteral("600") });
    QTRY_VERIFY_WITH_TIMEOUT(ProcessState::read(sleeper).isValid(), 5000);
    ProcessTarget stale { sleeper, ProcessState::read(sleeper).stat().startTime + 1 };
    Error error;
    QVERIFY(!ProcessControl::send(stale, ProcessControl::Action::Stop, &error));
    QVERIFY2(error.message().contains(QStringLiteral("pid %1 is now another process").arg(sleeper)), qPrintable(error.message()));
    QTest::qWait(50);
    QVERIFY(activityOf(sleeper) != Activity::Stopped); // not signalled
}

void TestProcessControl::goneProcess()
{
    Error error;
    QVERIFY(!ProcessControl::send({ 999999999, 0 }, ProcessControl::Action::Stop, &error));
    QVERIFY2(error.message().startsWith(u"process 999999999 is gone"), qPrintable(error.message()));
    QVERIFY(!ProcessControl::waitForState(999999999, ProcessControl::Action::Stop, 50));
}

QTEST_GUILESS_MAIN(TestProcessControl)
#include "tst_processcontrol.moc"
