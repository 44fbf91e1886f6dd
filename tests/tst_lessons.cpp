// Every lesson runs headless on real pipes; its observations (the numbers) are asserted
// against the kernel, measured again here where a test can do so independently.
#include "testsupport.h"

#include <pipescope/lessoncatalog.h>
#include <pipescope/lessoncontext.h>
#include <pipescope/lessonrunner.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <fcntl.h>
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
    void readerGone();
    void nonblocking();
    void runnerSignalsAndJson();
    void cliList();
    void cliUnknownLesson();
    void cliRunJson();
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
        runner.runAll();
        observations = runner.observations();
        allMatch = runner.allMatch();
        pids = runner.context()->startedPids();
    }
    for (qint64 pid : std::as_const(pids)) {
        if (!isGone(pid))
            qWarning("child %lld of lesson %s is still there", pid, qPrintable(id));
        Q_ASSERT_X(isGone(pid), "run", "a lesson child survived its runner");
    }
    if (observations.size() != lesson->steps.size() || !allMatch)
        qWarning("%s:\n%s", qPrintable(id), qPrintable(describe(observations)));
    for (const Observation &o : std::as_const(observations)) {
        if (o.elapsedMs > 3000)
            qWarning("%s: a step took %lld ms", qPrintable(id), o.elapsedMs);
    }
    return allMatch ? observations : QList<Observation>();
}

void TestLessons::initTestCase()
{
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, which
    // the lesson context (like the transports) turns into SIG_IGN.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestLessons::catalog()
{
    const QStringList ids = LessonCatalog::ids();
    QVERIFY(ids.size() >= 3);
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

void TestLessons::runnerSignalsAndJson()
{
    LessonRunner runner(*LessonCatalog::find(QStringLiteral("nonblocking")));
    QSignalSpy started(&runner, &LessonRunner::stepStarted);
    QSignalSpy finishedStep(&runner, &LessonRunner::stepFinished);
    QSignalSpy finished(&runner, &LessonRunner::finished);
    QVERIFY(started.isValid() && finishedStep.isValid() && finished.isValid());
    QVERIFY(runner.runNextStep());
    QCOMPARE(runner.nextStep(), 1);
    QCOMPARE(started.size(), 1);
    QCOMPARE(finishedStep.size(), 1);
    QCOMPARE(finishedStep.at(0).at(0).toInt(), 0);
    QVERIFY(finishedStep.at(0).at(1).value<Observation>().matches);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!runner.allMatch()); // not at the end yet
    runner.runAll();
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

void TestLessons::everyLessonTested()
{
    // Runs last (slots run in declaration order): a lesson added to the catalog without a
    // test function asserting its numbers fails here.
    for (const QString &id : LessonCatalog::ids())
        QVERIFY2(m_tested.contains(id), qPrintable(QStringLiteral("no test runs lesson ") + id));
}

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
