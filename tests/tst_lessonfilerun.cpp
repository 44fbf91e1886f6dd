// Lesson files run on real processes: a wait that times out is a ✗ with its reason, a run
// abandoned mid-step leaves no process behind, rates come from the meter, the user's files
// join the catalog (a bad one is named with its line), and the worksheet holds every
// observation.
#include <pipescope/filelesson.h>
#include <pipescope/lessoncatalog.h>
#include <pipescope/lessoncontext.h>
#include <pipescope/lessonfile.h>
#include <pipescope/lessonrunner.h>
#include <pipescope/worksheet.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/wait.h>

using namespace PipeScope;

namespace {

const QString Header = QStringLiteral("id: test-file\ntitle: A test\nsummary: For the test.\n\n");

Lesson lessonFrom(const QString &steps)
{
    Error error;
    const std::optional<LessonFile> file = LessonFile::parse(Header + steps, &error);
    if (!file)
        qFatal("bad test lesson: %s", qPrintable(error.message()));
    return FileLesson::toLesson(*file);
}

bool isGone(qint64 pid)
{
    return ::kill(pid_t(pid), 0) == -1 && errno == ESRCH
        && ::waitpid(pid_t(pid), nullptr, WNOHANG) == -1 && errno == ECHILD;
}

bool runToEnd(LessonRunner &runner, int timeoutMs = 30000)
{
    QSignalSpy finished(&runner, &LessonRunner::finished);
    runner.runAll();
    return finished.wait(timeoutMs);
}

void writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
}

} // namespace

class TestLessonFileRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void waitThatTimesOutIsAFailure();
    void abandonedMidStepLeavesNothing();
    void stagesRunInTheTempDir();
    void rateFromTheMeter();
    void userLessonsJoinTheCatalog();
    void worksheetHoldsEveryObservation_data();
    void worksheetHoldsEveryObservation();
    void cliRunsAFile();
    void cliRefusesABadFile();
};

void TestLessonFileRun::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL); // as in a real program (Qt Test installs a handler)
    QStandardPaths::setTestModeEnabled(true);
    QDir(LessonCatalog::userLessonDirectory()).removeRecursively();
}

void TestLessonFileRun::waitThatTimesOutIsAFailure()
{
    LessonRunner runner(lessonFrom(QStringLiteral(
        "step: s\nexplain: e\npredict: p\nrun: sleep 20\nwait: exited 1 within 300 ms\n"
        "expect: exit-status:1 == 0\nok: fine\nfail: sleep is still asleep.\n")));
    QVERIFY(runToEnd(runner));
    const Observation o = runner.observations().value(0);
    QVERIFY(!o.matches);
    QVERIFY2(o.why.startsWith(QStringLiteral("`wait: exited 1` did not happen within 300 ms: `sleep 20` (pid ")),
             qPrintable(o.why));
    QVERIFY2(o.why.contains(QStringLiteral("sleeping")) && o.why.endsWith(QStringLiteral("sleep is still asleep.")),
             qPrintable(o.why));
    QVERIFY2(o.observed.contains(QStringLiteral("exit-status:1 unknown (`sleep 20` has not exited)")),
             qPrintable(o.observed));
    QVERIFY(o.elapsedMs >= 300 && o.elapsedMs < 5000);
}

void TestLessonFileRun::abandonedMidStepLeavesNothing()
{
    // A three-stage pipeline and a FIFO in the temp dir; the step waits 20 s for an exit
    // that never comes, and the run is abandoned (restart) while it waits.
    LessonRunner runner(lessonFrom(QStringLiteral(
        "step: s\nexplain: e\npredict: p\nrun: mkfifo f; exec sleep 30\nrun: yes | cat | sleep 30\n"
        "wait: exited 2 within 20000 ms\n")));
    QVERIFY(runner.runNextStep());
    QTRY_COMPARE(runner.context()->unreapedPids().size(), 4);
    const QList<qint64> pids = runner.context()->startedPids();
    const QString dir = runner.context()->tempDir();
    QTRY_VERIFY(QFileInfo(dir + QStringLiteral("/f")).exists());
    QSignalSpy finished(&runner, &LessonRunner::stepFinished);
    runner.restart();
    for (qint64 pid : pids)
        QVERIFY2(isGone(pid), qPrintable(QString::number(pid)));
    QVERIFY(!QFileInfo::exists(dir));
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0); // nothing of the abandoned step reports
    QCOMPARE(runner.nextStep(), 0);
}

void TestLessonFileRun::stagesRunInTheTempDir()
{
    // `pwd > here` writes into the temp dir; stage 2 reads the pipe (a pipe, not a file).
    LessonRunner runner(lessonFrom(QStringLiteral(
        "step: s\nexplain: e\npredict: p\nrun: pwd > here\nrun: printf abc | wc -c\n"
        "wait: exited 1\nwait: exited 2\nexpect: exit-status:1 == 0\nexpect: exit-status:2 == 0\n")));
    QVERIFY(runner.runNextStep());
    QTRY_COMPARE(runner.observations().size(), 1);
    QVERIFY2(runner.observations().at(0).matches, qPrintable(runner.observations().at(0).observed));
    QFile here(runner.context()->tempDir() + QStringLiteral("/here"));
    QVERIFY(here.open(QIODevice::ReadOnly));
    QCOMPARE(QDir(QString::fromLocal8Bit(here.readAll().trimmed())).canonicalPath(),
             QDir(runner.context()->tempDir()).canonicalPath());
}

void TestLessonFileRun::rateFromTheMeter()
{
    // yes into a pipe read by `dd` at full speed: the meter's rate over a >= 1 s window.
    LessonRunner runner(lessonFrom(QStringLiteral(
        "step: s\nexplain: e\npredict: p\nrun: yes | cat\nwait: time 1800 ms\nexpect: rate:1 > 100000\n"
        "step: t\nexplain: e\npredict: p\nrun: yes | sleep 30\nwait: time 1800 ms\nexpect: rate:2 == 0\n")));
    QVERIFY(runToEnd(runner));
    const Observation flowing = runner.observations().value(0);
    QVERIFY2(flowing.matches, qPrintable(flowing.observed));
    QVERIFY(flowing.values.value(QStringLiteral("rate:1")).toDouble() > 100000);
    const Observation stuck = runner.observations().value(1);
    QVERIFY2(stuck.matches, qPrintable(stuck.observed));
    QCOMPARE(stuck.values.value(QStringLiteral("rate:2")).toDouble(), 0.0);
}

void TestLessonFileRun::userLessonsJoinTheCatalog()
{
    const QString dir = LessonCatalog::userLessonDirectory();
    QVERIFY(QDir().mkpath(dir));
    writeFile(dir + QStringLiteral("/good.lesson"),
              QStringLiteral("id: my-own\ntitle: Mine\nsummary: S\nstep: a\nexplain: e\npredict: p\n"));
    writeFile(dir + QStringLiteral("/bad.lesson"),
              QStringLiteral("id: broken\ntitle: T\nsummary: S\nstep: a\nexplain: e\npredict: p\nexpct: 1 == 1\n"));
    writeFile(dir + QStringLiteral("/clash.lesson"),
              QStringLiteral("id: pipe-capacity\ntitle: T\nsummary: S\nstep: a\nexplain: e\npredict: p\n"));
    const QStringList ids = LessonCatalog::ids();
    QCOMPARE(ids.last(), QStringLiteral("my-own"));
    QVERIFY(!ids.contains(QStringLiteral("broken")));
    QCOMPARE(ids.count(QStringLiteral("pipe-capacity")), 1);
    const QStringList errors = LessonCatalog::userLessonErrors();
    QCOMPARE(errors.size(), 2);
    QVERIFY2(errors.at(0).startsWith(dir + QStringLiteral("/bad.lesson: line 7: unknown key 'expct'")),
             qPrintable(errors.at(0)));
    QVERIFY2(errors.at(1).contains(QStringLiteral("line 1: 'pipe-capacity' is the id of a built-in lesson")),
             qPrintable(errors.at(1)));
    QVERIFY(LessonCatalog::find(QStringLiteral("my-own")));
    QVERIFY(QDir(dir).removeRecursively());
    QVERIFY(!LessonCatalog::ids().contains(QStringLiteral("my-own")));
}

void TestLessonFileRun::worksheetHoldsEveryObservation_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("markdown") << QStringLiteral("sheet.md");
    QTest::newRow("html") << QStringLiteral("sheet.HTML");
}

void TestLessonFileRun::worksheetHoldsEveryObservation()
{
    QFETCH(QString, file);
    const Lesson lesson = *LessonCatalog::find(QStringLiteral("stopped-reader"));
    LessonRunner runner(lesson);
    QVERIFY(runToEnd(runner));
    QVERIFY(runner.allMatch());
    Worksheet sheet(lesson, runner.observations());
    sheet.setGraph(2, QByteArray("\x89PNG fake", 9));
    const QTemporaryDir dir;
    const QString path = dir.filePath(file);
    Error error;
    QVERIFY2(sheet.write(path, &error), qPrintable(error.message()));
    QFile written(path);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(written.readAll());
    const bool html = Worksheet::formatFor(path) == Worksheet::Format::Html;
    QCOMPARE(html, file.endsWith(QLatin1String("HTML")));
    QCOMPARE(text.startsWith(QLatin1String("<!DOCTYPE html>")), html);
    // Markdown escapes markup characters, HTML its own: compare with the same escaping.
    const auto escaped = [html](QString s) {
        if (html)
            return s.toHtmlEscaped();
        for (const QChar c : {u'\\', u'|', u'*', u'_', u'<', u'`', u'[', u']'})
            s.replace(c, QStringLiteral("\\") + c);
        return s;
    };
    QVERIFY(text.contains(QStringLiteral("4 of 4 observations match")));
    QCOMPARE(text.count(QStringLiteral("✓ as predicted")), 4);
    for (int i = 0; i < lesson.steps.size(); ++i) {
        const Observation &o = runner.observations().at(i);
        for (const QString &part : {lesson.steps.at(i).title, lesson.steps.at(i).prediction, o.observed, o.why,
                                    o.prediction})
            QVERIFY2(text.contains(escaped(part)), qPrintable(part));
        for (auto it = o.values.cbegin(); it != o.values.cend(); ++it) {
            const QString row = html ? QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(it.key(), it.value().toString())
                                     : QStringLiteral("| %1 | %2 |").arg(escaped(it.key()), it.value().toString());
            QVERIFY2(text.contains(row), qPrintable(row));
        }
    }
    QVERIFY(text.contains(QStringLiteral("data:image/png;base64,") + QString::fromLatin1(QByteArray("\x89PNG fake", 9).toBase64())));
}

void TestLessonFileRun::cliRunsAFile()
{
    const QTemporaryDir dir;
    const QString lesson = dir.filePath(QStringLiteral("mine.lesson"));
    writeFile(lesson, Header + QStringLiteral("step: s\nexplain: e\npredict: p\nrun: head -c 5000 /dev/zero | sleep 30\n"
                                              "wait: time 500 ms\nexpect: queued:1 == 5000\nok: five thousand\n"));
    QProcess process;
    process.start(QStringLiteral(PIPESCOPE_BINARY),
                  {QStringLiteral("lesson"), QStringLiteral("run"), lesson, QStringLiteral("--json"),
                   QStringLiteral("--report"), dir.filePath(QStringLiteral("w.html"))});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    const QJsonObject json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("test-file"));
    const QJsonObject step = json.value(QStringLiteral("steps")).toArray().at(0).toObject();
    QCOMPARE(step.value(QStringLiteral("values")).toObject().value(QStringLiteral("queued:1")).toInt(), 5000);
    QCOMPARE(step.value(QStringLiteral("why")).toString(), QStringLiteral("five thousand"));
    QFile report(dir.filePath(QStringLiteral("w.html")));
    QVERIFY(report.open(QIODevice::ReadOnly));
    QVERIFY(report.readAll().contains("<td>queued:1</td><td>5000</td>"));
}

void TestLessonFileRun::cliRefusesABadFile()
{
    const QTemporaryDir dir;
    const QString lesson = dir.filePath(QStringLiteral("bad.lesson"));
    writeFile(lesson, Header + QStringLiteral("step: s\nexplain: e\npredict: p\nrun: echo 'unterminated\n"));
    for (const QStringList &arguments : {QStringList {QStringLiteral("lesson"), QStringLiteral("run"), lesson},
                                         QStringList {QStringLiteral("--lesson"), lesson}}) {
        QProcess process;
        process.start(QStringLiteral(PIPESCOPE_BINARY), arguments);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        const QString error = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(error.contains(lesson + QStringLiteral(": line 8: 'run' is no shell pipeline")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestLessonFileRun)
#include "tst_lessonfilerun.moc"
