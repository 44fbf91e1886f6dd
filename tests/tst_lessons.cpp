// Every lesson runs headless on real pipes; its observations (the numbers) are asserted
// against the kernel, measured again here where a test can do so independently.
#include "testsupport.h"

#include <pipescope/lessoncatalog.h>
#include <pipescope/lessoncontext.h>
#include <pipescope/lessonprocess.h>
#include <pipescope/lessonrunner.h>

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>

using namespace PipeScope;

namespace {

/// F_GETPIPE_SZ of a fresh pipe, measured by the test itself.
int freshCapacity()
{
    const auto [r, w] = Test::makePipe();
    const int capacity = ::fcntl(r, F_GETPIPE_SZ);
    ::close(r);
    ::close(w);
    return capacity;
}

bool isGone(qint64 pid)
{
    // Reaped: no such process, and not our child any more.
    return ::kill(pid_t(pid), 0) == -1 && errno == ESRCH
        && ::waitpid(pid_t(pid), nullptr, WNOHANG) == -1 && errno == ECHILD;
}

/// Starts the next step and runs the event loop until it finished (a step never blocks:
/// it continues from this loop).
bool runStep(LessonRunner &runner, int timeoutMs = 10000)
{
    QSignalSpy finished(&runner, &LessonRunner::stepFinished);
    return runner.runNextStep() && finished.wait(timeoutMs);
}

/// runAll() and the event loop until the last step finished.
bool runToEnd(LessonRunner &runner, int timeoutMs = 60000)
{
    QSignalSpy finished(&runner, &LessonRunner::finished);
    runner.runAll();
    return finished.wait(timeoutMs);
}

QString describe(const QList<Observation> &observations)
{
    QStringList lines;
    for (const Observation &o : observations)
        lines << QStringLiteral("%1 [%2] %3").arg(o.matches ? u'✓' : u'✗').arg(o.observed, o.why);
    return lines.join(u'\n');
}

} // namespace

class TestLessons : public QObject {
    Q_OBJECT

private:
    /// Runs lesson \a id to the end, checks that every step matched, ran in time and that
    /// every child is killed and reaped once the runner is gone; returns the observations.
    QList<Observation> run(const QString &id);

    QSet<QString> m_tested;

private Q_SLOTS:
    void initTestCase();
    void catalog();
    void capacity();
    void backpressure();
    void pauseResume();
    void eofLeak();
    void readerGone();
    void fifoRendezvous();
    void atomicWrites();
    void nonblocking();
    void closeNeedsLoop();
    void subprocessDeadlock();
    void fifoOpenThread();
    void transportThread();
    void threadsOnePipe();
    void scanPipesShowsTheLessonLive();
    void lessonProcessGetsOnlyItsFds();
    void runnerSignalsAndJson();
    void abandonedMidway_data();
    void abandonedMidway();
    void abandonedMidStep_data();
    void abandonedMidStep();
    void processActivityNeedsASleepingSample();
    void cliList();
    void cliUnknownLesson();
    void cliRunJson();
    void pipeCapacityFile();
    void fifoOpenWaitsFile();
    void stoppedReaderFile();
    void findTheBottleneckFile();
    void everyLessonTested();
};

QList<Observation> TestLessons::run(const QString &id)
{
    m_tested.insert(id);
    const std::optional<Lesson> lesson = LessonCatalog::find(id);
    if (!lesson) {
        qWarning("no lesson %s", qPrintable(id));
        return {};
    }
    QList<qint64> pids;
    QList<Observation> observations;
    bool allMatch = false;
    {
        LessonRunner runner(*lesson);
        if (!runToEnd(runner))
            qWarning("%s did not finish", qPrintable(id));
        observations = runner.observations();
        allMatch = runner.allMatch();
        pids = runner.context()->startedPids();
    }
    bool reaped = true;
    for (qint64 pid : std::as_const(pids)) {
        if (!isGone(pid)) {
            qWarning("child %lld of lesson %s survived its runner", pid, qPrintable(id));
            reaped = false;
        }
    }
    if (observations.size() != lesson->steps.size() || !allMatch)
        qWarning("%s:\n%s", qPrintable(id), qPrintable(describe(observations)));
    for (const Observation &o : std::as_const(observations)) {
        if (o.elapsedMs > 3000)
            qWarning("%s: a step took %lld ms", qPrintable(id), o.elapsedMs);
    }
    // An empty list fails the caller's size check, after the warnings above said why.
    return allMatch && reaped ? observations : QList<Observation>();
}

void TestLessons::initTestCase()
{
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, which
    // the lesson context (like the transports) turns into SIG_IGN.
    std::signal(SIGPIPE, SIG_DFL);
    // The user's own lesson files (~/.local/share/...) stay out of the catalog under test.
    QStandardPaths::setTestModeEnabled(true);
    QDir(LessonCatalog::userLessonDirectory()).removeRecursively();
}

void TestLessons::catalog()
{
    const QStringList ids = LessonCatalog::ids();
    QCOMPARE(ids.size(), 17); // 13 in C++, 4 lesson files
    QCOMPARE(LessonCatalog::builtInIds(), ids); // no user lessons in the test (initTestCase)
    QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size()); // unique
    for (const Lesson &lesson : LessonCatalog::all()) {
        QVERIFY(!lesson.title.isEmpty());
        QVERIFY(!lesson.summary.isEmpty());
        QVERIFY2(lesson.steps.size() >= 2, qPrintable(lesson.id));
        for (const Step &step : lesson.steps) {
            QVERIFY2(!step.explanation.isEmpty() && !step.prediction.isEmpty() && step.run,
                     qPrintable(lesson.id + QLatin1Char('/') + step.title));
        }
    }
    QVERIFY(!LessonCatalog::find(QStringLiteral("no-such-lesson")));
}

void TestLessons::capacity()
{
    const QList<Observation> o = run(QStringLiteral("capacity"));
    QCOMPARE(o.size(), 6);
    const int capacity = freshCapacity();
    const int page = int(sysconf(_SC_PAGESIZE));
    QCOMPARE(o[0].values.value(QStringLiteral("capacity")).toInt(), capacity);
    QCOMPARE(o[1].values.value(QStringLiteral("filled")).toLongLong(), capacity);
    QCOMPARE(o[1].values.value(QStringLiteral("queued")).toInt(), capacity);
    QCOMPARE(o[1].values.value(QStringLiteral("errno")).toString(), QStringLiteral("EAGAIN"));
    // 2049-byte records: one per slot.
    QCOMPARE(o[2].values.value(QStringLiteral("filled")).toLongLong(),
             qint64(capacity / page) * (page / 2 + 1));
    QCOMPARE(o[3].values.value(QStringLiteral("100000")).toInt(), 131072);
    QCOMPARE(o[3].values.value(QStringLiteral("4097")).toInt(), 8192);
    QCOMPARE(o[3].values.value(QStringLiteral("0")).toInt(), 4096);
    // Above pipe-max-size: EPERM without CAP_SYS_RESOURCE (this VM's root lacks it).
    const qint64 max = o[4].values.value(QStringLiteral("pipeMaxSize")).toLongLong();
    QCOMPARE(o[4].values.value(QStringLiteral("atMax")).toLongLong(), max);
    if (!o[4].values.value(QStringLiteral("capSysResource")).toBool())
        QCOMPARE(o[4].values.value(QStringLiteral("aboveMax")).toString(), QStringLiteral("EPERM"));
    else
        QVERIFY(o[4].values.value(QStringLiteral("aboveMax")).toLongLong() > max);
    QCOMPARE(o[5].values.value(QStringLiteral("queued")).toLongLong(), 5 * (page / 2 + 1));
    QCOMPARE(o[5].values.value(QStringLiteral("shrinkTo4Pages")).toString(),
             QStringLiteral("EBUSY"));
    QCOMPARE(o[5].values.value(QStringLiteral("shrinkTo8Pages")).toInt(), 8 * page);
}

void TestLessons::readerGone()
{
    const QList<Observation> o = run(QStringLiteral("reader-gone"));
    QCOMPARE(o.size(), 4);
    QCOMPARE(o[0].values.value(QStringLiteral("result")).toLongLong(), -1);
    QCOMPARE(o[0].values.value(QStringLiteral("errno")).toString(), QStringLiteral("EPIPE"));
    QCOMPARE(o[0].values.value(QStringLiteral("sigpipeRaised")).toBool(), true);
    QCOMPARE(o[1].values.value(QStringLiteral("lostErrno")).toString(), QStringLiteral("EPIPE"));
    QCOMPARE(o[2].values.value(QStringLiteral("exitSignal")).toInt(), SIGPIPE);
    QCOMPARE(o[2].values.value(QStringLiteral("exitSignal")).toInt(), 13);
    QCOMPARE(o[3].values.value(QStringLiteral("exitSignal")).toInt(), 0);
    QCOMPARE(o[3].values.value(QStringLiteral("exitCode")).toInt(), 1); // coreutils' write error
    QVERIFY(!o[3].values.value(QStringLiteral("stderr")).toString().isEmpty());
}

void TestLessons::nonblocking()
{
    const QList<Observation> o = run(QStringLiteral("nonblocking"));
    QCOMPARE(o.size(), 4);
    const int capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("filled")).toLongLong(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("write1")).toString(), QStringLiteral("EAGAIN"));
    QCOMPARE(o[1].values.value(QStringLiteral("requested")).toLongLong(), capacity + 4464);
    QCOMPARE(o[1].values.value(QStringLiteral("written")).toLongLong(), capacity); // 65536 partial
    QCOMPARE(o[2].values.value(QStringLiteral("queued")).toLongLong(), capacity - 4096 + 100);
    QCOMPARE(o[2].values.value(QStringLiteral("writeRoomPlusOne")).toString(),
             QStringLiteral("EAGAIN"));
    QCOMPARE(o[2].values.value(QStringLiteral("writeRoom")).toLongLong(), 3996);
    QCOMPARE(o[3].values.value(QStringLiteral("queued")).toLongLong(), capacity - 4096);
    QCOMPARE(o[3].values.value(QStringLiteral("written")).toLongLong(), 4096);
}

void TestLessons::backpressure()
{
    const QList<Observation> o = run(QStringLiteral("backpressure"));
    QCOMPARE(o.size(), 3);
    const int capacity = freshCapacity();
    // `yes` writes 8192-byte blocks: two whole pages each, so the pipe fills to the byte.
    QCOMPARE(o[0].values.value(QStringLiteral("queued")).toInt(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("state")).toString(), QStringLiteral("S"));
    QVERIFY(o[0].values.value(QStringLiteral("wchan"))
                .toString()
                .endsWith(QLatin1String("pipe_write")));
    const qint64 readerBytes = o[1].values.value(QStringLiteral("readerBytes")).toLongLong();
    const qint64 writerBytes = o[1].values.value(QStringLiteral("writerBytes")).toLongLong();
    QVERIFY(readerBytes > 0);
    QVERIFY2(qAbs(writerBytes - readerBytes) <= capacity,
             qPrintable(QStringLiteral("%1 vs %2").arg(writerBytes).arg(readerBytes)));
    // 8 KiB per 10 ms tick: at most ~819 kB/s, whatever the timer precision.
    QVERIFY(o[1].values.value(QStringLiteral("readerRate")).toDouble() < 1.0e6);
    QVERIFY(2 * o[1].values.value(QStringLiteral("blockedSamples")).toInt()
            >= o[1].values.value(QStringLiteral("samples")).toInt());
    QVERIFY(o[2].values.value(QStringLiteral("readerRate")).toDouble()
            >= 10 * o[1].values.value(QStringLiteral("readerRate")).toDouble());
    QVERIFY(qAbs(o[2].values.value(QStringLiteral("writerBytes")).toLongLong()
                 - o[2].values.value(QStringLiteral("readerBytes")).toLongLong())
            <= capacity);
}

void TestLessons::pauseResume()
{
    const QList<Observation> o = run(QStringLiteral("pause-resume"));
    QCOMPARE(o.size(), 3);
    const int capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("queued")).toInt(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("buffered")).toLongLong(), 0);
    // 16 KiB writes against the default high-water mark of 65536: paused at 81920.
    QCOMPARE(o[1].values.value(QStringLiteral("high")).toLongLong(), 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("pausedAtBuffer")).toLongLong(), 81920);
    QCOMPARE(o[1].values.value(QStringLiteral("queued")).toInt(), capacity);
    QCOMPARE(o[2].values.value(QStringLiteral("low")).toLongLong(), 16384);
    QVERIFY(o[2].values.value(QStringLiteral("resumedAtBuffer")).toLongLong() <= 16384);
    QVERIFY(o[2].values.value(QStringLiteral("resumedAtBuffer")).toLongLong() >= 0);
    QCOMPARE(o[2].values.value(QStringLiteral("resumedCount")).toInt(), 1);
    QCOMPARE(o[2].values.value(QStringLiteral("sent")).toLongLong(), capacity + 81920);
    QCOMPARE(o[2].values.value(QStringLiteral("received")).toLongLong(), capacity + 81920);
    QCOMPARE(o[2].values.value(QStringLiteral("intact")).toBool(), true);
}

void TestLessons::eofLeak()
{
    const QList<Observation> o = run(QStringLiteral("eof-leak"));
    QCOMPARE(o.size(), 3);
    QCOMPARE(o[0].values.value(QStringLiteral("bytes")).toInt(), 6);
    QCOMPARE(o[0].values.value(QStringLiteral("eof")).toBool(), true);
    QCOMPARE(o[1].values.value(QStringLiteral("bytes")).toInt(), 6);
    QCOMPARE(o[1].values.value(QStringLiteral("eof")).toBool(), false); // the hang
    QCOMPARE(
        o[1].values.value(QStringLiteral("holderFdLink")).toString(),
        QStringLiteral("pipe:[%1]").arg(o[1].values.value(QStringLiteral("inode")).toULongLong()));
    QCOMPARE(o[2].values.value(QStringLiteral("eof")).toBool(), true);
    QCOMPARE(o[2].values.value(QStringLiteral("holderSignal")).toInt(), SIGTERM);
    QVERIFY(o[2].values.value(QStringLiteral("eofAfterUs")).toLongLong() < 1000 * 1000);
}

void TestLessons::fifoRendezvous()
{
    const QList<Observation> o = run(QStringLiteral("fifo-rendezvous"));
    QCOMPARE(o.size(), 6);
    QCOMPARE(o[0].values.value(QStringLiteral("opened")).toBool(), true);
    QCOMPARE(o[1].values.value(QStringLiteral("errno")).toString(), QStringLiteral("ENXIO"));
    QCOMPARE(o[2].values.value(QStringLiteral("opened")).toBool(), true);
    QCOMPARE(o[2].values.value(QStringLiteral("writerOpened")).toBool(), true);
    QCOMPARE(o[3].values.value(QStringLiteral("state")).toString(), QStringLiteral("S"));
    QCOMPARE(o[3].values.value(QStringLiteral("wchan")).toString(),
             QStringLiteral("wait_for_partner"));
    QVERIFY2(o[3].values.value(QStringLiteral("explorer")).toString().startsWith(u"opening FIFO /")
                     && o[3].values.value(QStringLiteral("explorer")).toString().endsWith(u" for reading"),
             qPrintable(o[3].values.value(QStringLiteral("explorer")).toString()));
    QCOMPARE(o[4].values.value(QStringLiteral("echoed")).toString(),
             QStringLiteral("hello through the FIFO\n"));
    QCOMPARE(o[4].values.value(QStringLiteral("exitCode")).toInt(), 0);
    QCOMPARE(o[5].values.value(QStringLiteral("wchan")).toString(),
             QStringLiteral("wait_for_partner"));
    QCOMPARE(o[5].values.value(QStringLiteral("read")).toString(), QStringLiteral("hi\n"));
}

void TestLessons::atomicWrites()
{
    const QList<Observation> o = run(QStringLiteral("atomic-writes"));
    QCOMPARE(o.size(), 2);
    const qint64 perWriter = 4 * 1024 * 1024;
    QCOMPARE(o[0].values.value(QStringLiteral("record")).toLongLong(), 4096);
    QCOMPARE(o[0].values.value(QStringLiteral("records")).toLongLong(), 2 * perWriter / 4096);
    QCOMPARE(o[0].values.value(QStringLiteral("torn")).toLongLong(), 0); // exact: PIPE_BUF
    QCOMPARE(o[0].values.value(QStringLiteral("bytesA")).toLongLong(), perWriter);
    QCOMPARE(o[0].values.value(QStringLiteral("bytesB")).toLongLong(), perWriter);
    QCOMPARE(o[1].values.value(QStringLiteral("record")).toLongLong(), 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("records")).toLongLong(), 2 * perWriter / 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("bytesA")).toLongLong(), perWriter);
    QCOMPARE(o[1].values.value(QStringLiteral("bytesB")).toLongLong(), perWriter);
    // Tearing above PIPE_BUF is a race: the count is reported, not predicted.
    const qint64 torn = o[1].values.value(QStringLiteral("torn")).toLongLong();
    QVERIFY(torn >= 0 && torn <= 128);
    qInfo("65536-byte records: %lld of 128 torn", torn);
}

void TestLessons::closeNeedsLoop()
{
    const QList<Observation> o = run(QStringLiteral("close-needs-loop"));
    QCOMPARE(o.size(), 3);
    const int capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("queued")).toInt(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("buffered")).toLongLong(), 200000 - capacity);
    QCOMPARE(o[1].values.value(QStringLiteral("firstRead")).toLongLong(), capacity);
    QCOMPARE(o[1].values.value(QStringLiteral("pollResult")).toInt(), 0);
    QCOMPARE(o[1].values.value(QStringLiteral("eof")).toBool(), false);
    QCOMPARE(o[1].values.value(QStringLiteral("buffered")).toLongLong(), 200000 - capacity);
    QCOMPARE(o[2].values.value(QStringLiteral("more")).toLongLong(), 200000 - capacity);
    QCOMPARE(o[2].values.value(QStringLiteral("received")).toLongLong(), 200000);
    QCOMPARE(o[2].values.value(QStringLiteral("intact")).toBool(), true);
    QCOMPARE(o[2].values.value(QStringLiteral("lostErrno")).toInt(), 0);
}

void TestLessons::subprocessDeadlock()
{
    const QList<Observation> o = run(QStringLiteral("subprocess-deadlock"));
    QCOMPARE(o.size(), 3);
    const int capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("lastErrno")).toString(), QStringLiteral("EAGAIN"));
    QCOMPARE(o[0].values.value(QStringLiteral("catState")).toString(), QStringLiteral("S"));
    QVERIFY(o[0].values.value(QStringLiteral("catWchan"))
                .toString()
                .endsWith(QLatin1String("pipe_write")));
    QCOMPARE(o[0].values.value(QStringLiteral("stdinQueued")).toInt(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("stdoutQueued")).toInt(), capacity);
    const qint64 accepted = o[0].values.value(QStringLiteral("accepted")).toLongLong();
    QCOMPARE(accepted, 2 * capacity + o[0].values.value(QStringLiteral("inCat")).toLongLong());
    QVERIFY(accepted < 1024 * 1024); // stuck long before the megabyte was in

    // The explorer's diagnosis names both processes of the real deadlock, both pipes full.
    const QString diagnosis = o[1].values.value(QStringLiteral("diagnosis")).toString();
    const QString head = o[1].values.value(QStringLiteral("headPid")).toString();
    const QString cat = o[1].values.value(QStringLiteral("catPid")).toString();
    QVERIFY2(diagnosis.startsWith(QLatin1String("deadlock: ")), qPrintable(diagnosis));
    QVERIFY2(diagnosis.contains(QStringLiteral("`head` (pid %1)").arg(head))
                 && diagnosis.contains(QStringLiteral("`cat` (pid %1)").arg(cat)),
             qPrintable(diagnosis));
    QCOMPARE(o[1].values.value(QStringLiteral("queued")).toList(),
             QVariantList({capacity, capacity}));
    QCOMPARE(o[1].values.value(QStringLiteral("pipesDiagnosed")).toInt(), 2);

    QCOMPARE(o[2].values.value(QStringLiteral("echoed")).toLongLong(), 1024 * 1024);
    QCOMPARE(o[2].values.value(QStringLiteral("intact")).toBool(), true);
    QCOMPARE(o[2].values.value(QStringLiteral("exitCode")).toInt(), 0);
}

void TestLessons::fifoOpenThread()
{
    const QList<Observation> o = run(QStringLiteral("fifo-open-thread"));
    QCOMPARE(o.size(), 2);
    const qint64 tid = o[0].values.value(QStringLiteral("workerTid")).toLongLong();
    QVERIFY(tid > 0 && tid != QCoreApplication::applicationPid());
    QCOMPARE(o[0].values.value(QStringLiteral("workerState")).toString(), QStringLiteral("S"));
    QCOMPARE(o[0].values.value(QStringLiteral("workerWchan")).toString(),
             QStringLiteral("wait_for_partner"));
    // The explorer names the waiting thread of this very process.
    const QString explorer = o[0].values.value(QStringLiteral("explorer")).toString();
    QVERIFY2(explorer.startsWith(u"opening FIFO /")
                 && explorer.endsWith(QStringLiteral(" for reading (thread %1)").arg(tid)),
             qPrintable(explorer));
    // The event loop served the second pipe meanwhile: about 30 ticks of 10 ms, each page back.
    const int ticks = o[0].values.value(QStringLiteral("ticks")).toInt();
    QVERIFY2(ticks >= 15, qPrintable(QString::number(ticks)));
    const qint64 served = o[0].values.value(QStringLiteral("servedBytes")).toLongLong();
    QVERIFY(served > 0 && served % 4096 == 0 && served <= qint64(ticks) * 4096);
    QCOMPARE(o[1].values.value(QStringLiteral("inOwnThread")).toBool(), true);
    QCOMPARE(o[1].values.value(QStringLiteral("openErrno")).toString(), QStringLiteral("no error"));
    QCOMPARE(o[1].values.value(QStringLiteral("received")).toString(),
             QStringLiteral("hello from the writer\n"));
}

void TestLessons::transportThread()
{
    const QList<Observation> o = run(QStringLiteral("transport-thread"));
    QCOMPARE(o.size(), 2);
    const int capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("warning")).toString(),
             QStringLiteral("QSocketNotifier: Socket notifiers cannot be enabled or disabled from "
                            "another thread"));
    QCOMPARE(o[0].values.value(QStringLiteral("received")).toLongLong(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("buffered")).toLongLong(), 65536); // stuck
    QCOMPARE(o[1].values.value(QStringLiteral("warnings")).toInt(), 0);
    QCOMPARE(o[1].values.value(QStringLiteral("sent")).toLongLong(), capacity + 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("received")).toLongLong(), capacity + 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("intact")).toBool(), true);
}

void TestLessons::threadsOnePipe()
{
    const QList<Observation> o = run(QStringLiteral("threads-one-pipe"));
    QCOMPARE(o.size(), 2);
    const qint64 perWriter = 4 * 1024 * 1024;
    QCOMPARE(o[0].values.value(QStringLiteral("records")).toLongLong(), 2 * perWriter / 4096);
    QCOMPARE(o[0].values.value(QStringLiteral("torn")).toLongLong(), 0);
    QCOMPARE(o[0].values.value(QStringLiteral("bytesA")).toLongLong(), perWriter);
    QCOMPARE(o[0].values.value(QStringLiteral("bytesB")).toLongLong(), perWriter);
    QCOMPARE(o[1].values.value(QStringLiteral("records")).toLongLong(), 2 * perWriter / 65536);
    QCOMPARE(o[1].values.value(QStringLiteral("bytesA")).toLongLong(), perWriter);
    QCOMPARE(o[1].values.value(QStringLiteral("bytesB")).toLongLong(), perWriter);
    const qint64 torn = o[1].values.value(QStringLiteral("torn")).toLongLong();
    QVERIFY(torn >= 0 && torn <= 128);
    qInfo("threads, 65536-byte records: %lld of 128 torn", torn);
}

void TestLessons::scanPipesShowsTheLessonLive()
{
    // Our stderr becomes a pipe, as under a pipeline: children inherit it, yet it is not one
    // of the lesson's pipes.
    const auto [stderrRead, stderrWrite] = Test::makePipe();
    const int savedStderr = ::dup(STDERR_FILENO);
    QVERIFY(savedStderr >= 0 && ::dup2(stderrWrite, STDERR_FILENO) == STDERR_FILENO);
    LessonRunner runner(*LessonCatalog::find(QStringLiteral("backpressure")));
    const bool ran = runStep(runner); // `yes` fills the pipe and blocks
    const SystemSnapshot snapshot = runner.context()->scanPipes();
    ::dup2(savedStderr, STDERR_FILENO);
    for (int fd : {savedStderr, stderrRead, stderrWrite})
        ::close(fd);
    QVERIFY(ran && runner.observations().constFirst().matches);

    // yes's stdin and stdout pipes, nothing else (not our stderr, which yes inherits).
    const qint64 yes = runner.context()->startedPids().constFirst();
    const qint64 self = QCoreApplication::applicationPid();
    QCOMPARE(snapshot.pipes.size(), 2);
    const PipeInfo *stdinPipe = snapshot.pipeAt(yes, 0);
    QVERIFY(stdinPipe && stdinPipe->writerPids() == QList<qint64> {self});
    QCOMPARE(stdinPipe->queued.value_or(-1), 0);
    QVERIFY(snapshot.pipeAt(yes, 1));
    const PipeInfo &pipe = *snapshot.pipeAt(yes, 1);
    QCOMPARE(pipe.queued.value_or(-1), freshCapacity());
    QCOMPARE(pipe.writerPids(), QList<qint64> {yes});
    QCOMPARE(pipe.readerPids(), QList<qint64> {self});
    const auto writer = std::find_if(pipe.endpoints.cbegin(), pipe.endpoints.cend(),
                                     [&](const PipeEndpoint &end) { return end.pid == yes; });
    QCOMPARE(writer->fd, 1);
    QCOMPARE(writer->state, EndpointState::BlockedWrite);
    QCOMPARE(QSet<qint64>(snapshot.processes.keyBegin(), snapshot.processes.keyEnd()),
             QSet<qint64>({yes, self}));
    QVERIFY(std::any_of(pipe.diagnostics.cbegin(), pipe.diagnostics.cend(), [](const Diagnostic &d) {
        return d.kind == Diagnostic::Kind::WriterBlockedOnFullPipe;
    }));

    // Once the run is over nothing is left to show.
    runner.restart();
    QCOMPARE(runner.context()->scanPipes().pipes.size(), 0);
}

void TestLessons::lessonProcessGetsOnlyItsFds()
{
    // Pipe ends without O_CLOEXEC (leaked to us by a careless host) must not reach the child,
    // neither below the highest fd it is given (250) nor above it.
    int leaked[2];
    QCOMPARE(::pipe(leaked), 0);
    const int high = ::fcntl(leaked[1], F_DUPFD, 300);
    QVERIFY(leaked[1] < 250 && high >= 300);
    const auto [input, unused] = Test::makePipe();
    LessonProcess child;
    Error error;
    const bool started = child.start(
        {QStringLiteral("sleep"), {QStringLiteral("30")}, {{input, 0}, {input, 250}}}, &error);
    const QMap<int, QString> links = Test::fdLinks(child.pid());
    for (int fd : {leaked[0], leaked[1], high, input, unused})
        ::close(fd);
    child.kill();
    QVERIFY2(started, qPrintable(error.message()));
    // Besides 0, 1, 2 and 250 the child holds no pipe (it may hold a file of its own, such as
    // locale.alias while it starts).
    for (auto it = links.cbegin(); it != links.cend(); ++it) {
        if (!QList<int>({0, 1, 2, 250}).contains(it.key()))
            QVERIFY2(!it.value().startsWith(u"pipe:"), qPrintable(QStringLiteral("fd %1 -> %2").arg(it.key()).arg(it.value())));
    }
    QVERIFY(links.contains(250));
    QCOMPARE(links.value(1), QStringLiteral("null"));
    QCOMPARE(links.value(0), links.value(250));
}

void TestLessons::runnerSignalsAndJson()
{
    LessonRunner runner(*LessonCatalog::find(QStringLiteral("nonblocking")));
    QSignalSpy started(&runner, &LessonRunner::stepStarted);
    QSignalSpy finishedStep(&runner, &LessonRunner::stepFinished);
    QSignalSpy finished(&runner, &LessonRunner::finished);
    QVERIFY(started.isValid() && finishedStep.isValid() && finished.isValid());
    QVERIFY(runner.runNextStep());
    QVERIFY(runner.isRunning());
    QVERIFY(!runner.runNextStep()); // one step at a time
    QCOMPARE(finishedStep.size(), 0); // reported from the event loop, never inside the call
    QVERIFY(finishedStep.wait(5000));
    QVERIFY(!runner.isRunning());
    QCOMPARE(runner.nextStep(), 1);
    QCOMPARE(started.size(), 1);
    QCOMPARE(finishedStep.size(), 1);
    QCOMPARE(finishedStep.at(0).at(0).toInt(), 0);
    QVERIFY(finishedStep.at(0).at(1).value<Observation>().matches);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!runner.allMatch()); // not at the end yet
    runner.runAll();
    QVERIFY(finished.wait(5000));
    QCOMPARE(finishedStep.size(), 4);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(!runner.runNextStep()); // at the end

    const QJsonObject json = runner.toJson();
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("nonblocking"));
    QCOMPARE(json.value(QStringLiteral("matches")).toBool(), true);
    const QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
    QCOMPARE(steps.size(), 4);
    QCOMPARE(steps.at(1)
                 .toObject()
                 .value(QStringLiteral("values"))
                 .toObject()
                 .value(QStringLiteral("written"))
                 .toInteger(),
             freshCapacity());

    runner.restart();
    QCOMPARE(runner.nextStep(), 0);
    QVERIFY(runner.observations().isEmpty());
}

void TestLessons::abandonedMidway_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("steps");
    // Each leaves a child blocked in the kernel when the runner goes away.
    QTest::newRow("yes blocked writing") << QStringLiteral("backpressure") << 1;
    QTest::newRow("sleep holding a write end") << QStringLiteral("eof-leak") << 2;
    QTest::newRow("cat blocked in open") << QStringLiteral("fifo-rendezvous") << 4;
    QTest::newRow("cat deadlocked") << QStringLiteral("subprocess-deadlock") << 1;
    QTest::newRow("head and cat deadlocked") << QStringLiteral("subprocess-deadlock") << 2;
}

void TestLessons::abandonedMidway()
{
    QFETCH(QString, id);
    QFETCH(int, steps);
    const int fdsBefore = Test::openFdCount();
    QList<qint64> pids;
    {
        LessonRunner runner(*LessonCatalog::find(id));
        for (int i = 0; i < steps; ++i)
            QVERIFY(runStep(runner));
        QVERIFY(runner.observations().constLast().matches);
        pids = runner.context()->startedPids();
        QVERIFY(!pids.isEmpty());
        for (qint64 pid : std::as_const(pids))
            QVERIFY(::kill(pid_t(pid), 0) == 0); // still running, blocked
    }
    for (qint64 pid : std::as_const(pids))
        QVERIFY2(isGone(pid), qPrintable(QString::number(pid)));
    QCOMPARE(Test::openFdCount(), fdsBefore);
}

void TestLessons::abandonedMidStep_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("stepsBefore");
    QTest::addColumn<int>("msIntoStep");
    QTest::addColumn<bool>("restart"); // else the runner is destroyed
    // Each step is still waiting when the run is abandoned: a continuation, a timer, a
    // notifier or a child of it is pending.
    const struct {
        const char *name;
        const char *id;
        int before, ms;
    } rows[] = {
        {"sleep holds a write end, EOF awaited", "eof-leak", 1, 100},
        {"paced reader mid-window", "backpressure", 1, 200},
        {"two dd writers mid-race", "atomic-writes", 0, 0},
        {"head and cat before the diagnosis", "subprocess-deadlock", 1, 0},
        {"cat blocked in open, just started", "fifo-rendezvous", 3, 0},
        {"transport flushing to cat", "subprocess-deadlock", 2, 0},
        {"worker thread blocked in open", "fifo-open-thread", 0, 50},
        {"two writer threads mid-race", "threads-one-pipe", 0, 0},
        {"queued write not yet flushed", "transport-thread", 1, 0},
    };
    for (const auto &row : rows) {
        for (bool restart : {false, true}) {
            QTest::addRow("%s, %s", row.name, restart ? "restart" : "destroyed")
                << QString::fromLatin1(row.id) << row.before << row.ms << restart;
        }
    }
}

void TestLessons::abandonedMidStep()
{
    QFETCH(QString, id);
    QFETCH(int, stepsBefore);
    QFETCH(int, msIntoStep);
    QFETCH(bool, restart);
    const int fdsBefore = Test::openFdCount();
    auto runner = std::make_unique<LessonRunner>(*LessonCatalog::find(id));
    for (int i = 0; i < stepsBefore; ++i)
        QVERIFY(runStep(*runner));
    QSignalSpy finished(runner.get(), &LessonRunner::stepFinished);
    QVERIFY(runner->runNextStep());
    if (msIntoStep > 0)
        QTest::qWait(msIntoStep);
    QVERIFY(runner->isRunning());
    QCOMPARE(finished.size(), 0);
    const QList<qint64> pids = runner->context()->unreapedPids();
    if (restart) {
        runner->restart();
        QVERIFY(!runner->isRunning());
        QCOMPARE(runner->nextStep(), 0);
    } else {
        runner.reset();
    }
    // At once, not after the step's own timeout: every child killed and reaped, every fd
    // closed (the new context of a restart holds none yet).
    for (qint64 pid : pids)
        QVERIFY2(isGone(pid), qPrintable(QString::number(pid)));
    QCOMPARE(Test::openFdCount(), fdsBefore);
    // Nothing of the abandoned step runs any more (ASan would see a continuation touch the
    // freed state), and a restarted runner reports nothing for it.
    QTest::qWait(800);
    QCOMPARE(finished.size(), 0);
    if (restart) {
        QVERIFY(runStep(*runner)); // and it runs again from the start
        QCOMPARE(runner->nextStep(), 1);
        QCOMPARE(finished.size(), 1);
    }
}

void TestLessons::processActivityNeedsASleepingSample()
{
    // Issue 11's flake: stat said R (about to sleep) and wchan, read just after, said
    // wait_for_partner; the wait ended on that mixed sample and the step saw state R.
    ProcessActivity mixed;
    mixed.state = 'R';
    mixed.wchan = QStringLiteral("wait_for_partner");
    QVERIFY(!mixed.isWaitingForPartner());
    mixed.wchan = QStringLiteral("anon_pipe_write");
    QVERIFY(!mixed.isBlockedWriting());
    mixed.wchan = QStringLiteral("anon_pipe_read");
    QVERIFY(!mixed.isBlockedReading());
    ProcessActivity asleep;
    asleep.state = 'S';
    asleep.wchan = QStringLiteral("wait_for_partner");
    QVERIFY(asleep.isWaitingForPartner());
    asleep.wchan = QStringLiteral("pipe_write");
    QVERIFY(asleep.isBlockedWriting());
    asleep.wchan = QStringLiteral("anon_pipe_read");
    QVERIFY(asleep.isBlockedReading());
}

void TestLessons::cliList()
{
    QProcess cli;
    cli.start(QStringLiteral(PIPESCOPE_BINARY), {QStringLiteral("lesson"), QStringLiteral("list")});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    for (const QString &id : LessonCatalog::ids())
        QVERIFY2(out.contains(id), qPrintable(out));
}

void TestLessons::cliUnknownLesson()
{
    QProcess cli;
    cli.start(QStringLiteral(PIPESCOPE_BINARY),
              {QStringLiteral("lesson"), QStringLiteral("run"), QStringLiteral("no-such-lesson")});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 2);
    const QString err = QString::fromUtf8(cli.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("unknown lesson 'no-such-lesson'")), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("capacity")), qPrintable(err)); // the list follows

    cli.start(QStringLiteral(PIPESCOPE_BINARY),
              {QStringLiteral("lesson"), QStringLiteral("--bogus")});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 2);
}

void TestLessons::cliRunJson()
{
    QProcess cli;
    cli.start(QStringLiteral(PIPESCOPE_BINARY),
              {QStringLiteral("lesson"), QStringLiteral("run"), QStringLiteral("nonblocking"),
               QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(cli.readAllStandardOutput(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray steps = doc.object().value(QStringLiteral("steps")).toArray();
    QCOMPARE(steps.size(), 4);
    const QJsonObject partial = steps.at(1).toObject();
    QCOMPARE(partial.value(QStringLiteral("matches")).toBool(), true);
    QCOMPARE(partial.value(QStringLiteral("values"))
                 .toObject()
                 .value(QStringLiteral("written"))
                 .toInteger(),
             freshCapacity());
    QVERIFY(!partial.value(QStringLiteral("prediction")).toString().isEmpty());
    QVERIFY(!partial.value(QStringLiteral("observed")).toString().isEmpty());

    cli.start(QStringLiteral(PIPESCOPE_BINARY),
              {QStringLiteral("lesson"), QStringLiteral("run"), QStringLiteral("capacity")});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 0);
    const QString text = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(text.contains(QStringLiteral("Prediction:"))
                 && text.contains(QStringLiteral("Observed:")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("6 of 6 observations match")), qPrintable(text));
}

// The built-in lesson files (resources/lessons/): their numbers, from the explorer's scan.
void TestLessons::pipeCapacityFile()
{
    const QList<Observation> o = run(QStringLiteral("pipe-capacity"));
    QCOMPARE(o.size(), 4);
    const qint64 capacity = freshCapacity();
    QCOMPARE(o[0].values.value(QStringLiteral("capacity:1")).toLongLong(), capacity);
    QCOMPARE(o[0].values.value(QStringLiteral("queued:1")).toLongLong(), capacity);
    QVERIFY2(o[0].observed.contains(QStringLiteral("blocked-writing 1 after")), qPrintable(o[0].observed));
    QCOMPARE(o[1].values.value(QStringLiteral("queued:1")).toLongLong(), capacity);
    QCOMPARE(o[2].values.value(QStringLiteral("queued:2")).toLongLong(), 40000);
    QCOMPARE(o[3].values.value(QStringLiteral("queued:3")).toLongLong(), capacity);
    QCOMPARE(o[3].why, QStringLiteral("The kernel took what fits and made head wait for the rest."));
}

void TestLessons::fifoOpenWaitsFile()
{
    const QList<Observation> o = run(QStringLiteral("fifo-open-waits"));
    QCOMPARE(o.size(), 5);
    QCOMPARE(o[0].values.value(QStringLiteral("exit-status:1")).toInt(), 0);
    QVERIFY2(o[1].observed.contains(QStringLiteral("opening-fifo 2 after")), qPrintable(o[1].observed));
    QVERIFY(o[1].values.value(QStringLiteral("diagnostics:2")).toInt() >= 1); // OpenBlocked
    QCOMPARE(o[2].values.value(QStringLiteral("exit-status:2")).toInt(), 0);
    QCOMPARE(o[2].values.value(QStringLiteral("exit-status:3")).toInt(), 0);
    QVERIFY2(o[3].observed.contains(QStringLiteral("opening-fifo 4 after")), qPrintable(o[3].observed));
    QCOMPARE(o[4].values.value(QStringLiteral("exit-status:4")).toInt(), 0);
    QCOMPARE(o[4].values.value(QStringLiteral("exit-status:5")).toInt(), 0);
}

void TestLessons::stoppedReaderFile()
{
    const QList<Observation> o = run(QStringLiteral("stopped-reader"));
    QCOMPARE(o.size(), 4);
    const qint64 capacity = freshCapacity();
    QCOMPARE(o[1].values.value(QStringLiteral("capacity:2")).toLongLong(), capacity);
    QCOMPARE(o[2].values.value(QStringLiteral("queued:2")).toLongLong(), capacity);
    QVERIFY(o[2].values.value(QStringLiteral("diagnostics:2")).toInt() >= 1); // writer blocked
    QCOMPARE(o[3].values.value(QStringLiteral("exit-signal:3")).toInt(), SIGKILL);
    QCOMPARE(o[3].values.value(QStringLiteral("exit-signal:2")).toInt(), SIGPIPE);
}

void TestLessons::findTheBottleneckFile()
{
    // The answers come from the pipeline meter attached to each command: gzip -9 is the
    // CPU-bound stage of the first, the sleeping perl the self-paced sink of the second.
    const QList<Observation> o = run(QStringLiteral("find-the-bottleneck"));
    QCOMPARE(o.size(), 2);
    QCOMPARE(o[0].values.value(QStringLiteral("bottleneck:1")).toInt(), 3);
    QVERIFY2(o[0].observed.contains(QStringLiteral("gzip -9 (stage 3 of 4) holds the pipeline back")), qPrintable(o[0].observed));
    QCOMPARE(o[1].values.value(QStringLiteral("bottleneck:2")).toInt(), 3);
    QVERIFY2(o[1].observed.contains(QStringLiteral("it limits its own pace")), qPrintable(o[1].observed));
    QCOMPARE(o[1].values.value(QStringLiteral("queued:2")).toLongLong(), freshCapacity());
}

void TestLessons::everyLessonTested()
{
    // Runs last (slots run in declaration order): a lesson added to the catalog without a
    // test function asserting its numbers fails here.
    for (const QString &id : LessonCatalog::ids())
        QVERIFY2(m_tested.contains(id), qPrintable(QStringLiteral("no test runs lesson ") + id));
}

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
