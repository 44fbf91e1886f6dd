// The Pipeline page on real pipelines: its model follows the meter, the bottleneck it shows is
// the meter's, Pause/Resume changes a stage's state (and its writer's: back-pressure), the
// exported files parse, and the history behind the charts keeps bands and rates in order.
#include "mainwindow.h"
#include "pipegauge.h"
#include "pipelinediagnosticsview.h"
#include "pipelineflowview.h"
#include "pipelinehistory.h"
#include "pipelinemodel.h"
#include "pipelinepage.h"
#include "pipelinerecording.h"
#include "stagebox.h"
#include "testsupport.h"

#include <pipescope/pipelinemeter.h>
#include <pipescope/systemmonitor.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace PipeScope;
using namespace PipeScope::Ui;
using namespace PipeScope::Test;

namespace {

constexpr int VerdictTimeoutMs = 20000; // a 1.5 s window on a loaded 2-CPU machine

StageActivity activityOf(const PipelinePage &page, int stage)
{
    return StageActivity(page.model()->index(stage, 0).data(PipelineModel::ActivityRole).toInt());
}

/// Fields of one CSV line, RFC 4180 quoting (no line breaks inside fields here).
QStringList csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted && c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
            field += u'"';
            ++i;
        } else if (c == u'"') {
            quoted = !quoted;
        } else if (c == u',' && !quoted) {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    return fields << field;
}

} // namespace

class TestUiPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void historyMergesEqualSamplesIntoBands();
    void modelFollowsARealPipelineAndShowsTheMetersBottleneck();
    void pauseAndResumeChangeTheStagesState();
    void diagnosticsNameTheStoppedReader();
    void exportedJsonLinesAndCsvParse();
    void badPipelineIsRefusedWithTheMetersReason();
    void fourStagesFitA1024x768Screen();
    void runAndAttachOptionsRefuseBadValues_data();
    void runAndAttachOptionsRefuseBadValues();
    void csvFieldQuoting_data();
    void csvFieldQuoting();
};

void TestUiPipeline::historyMergesEqualSamplesIntoBands()
{
    PipelineHistory history;
    using A = StageActivity;
    history.append(0.0, { A::Running, A::BlockedReading }, { 100 });
    history.append(0.1, { A::Running, A::BlockedReading }, { 200 });
    history.append(0.2, { A::BlockedWriting, A::BlockedReading }, { -1 });
    QCOMPARE(history.stageCount(), 2);
    QCOMPARE(history.pipeCount(), 1);
    // Stage 0: running 0..0.1, then blocked writing from the previous sample on.
    QCOMPARE(history.bands(0).size(), size_t(2));
    QCOMPARE(history.bands(0).front().activity, A::Running);
    QCOMPARE(history.bands(0).front().end, 0.1);
    QCOMPARE(history.bands(0).back().activity, A::BlockedWriting);
    QCOMPARE(history.bands(0).back().start, 0.1);
    QCOMPARE(history.bands(1).size(), size_t(1));
    QCOMPARE(history.bands(1).front().end, 0.2);
    QCOMPARE(history.rates(0).size(), size_t(3));
    QCOMPARE(history.peakRate(), 200.0);
    // Older than MaxSeconds is dropped.
    history.append(PipelineHistory::MaxSeconds + 1, { A::Running, A::Running }, { 5 });
    QCOMPARE(history.rates(0).size(), size_t(1));
    QCOMPARE(history.visibleStart(), PipelineHistory::MaxSeconds + 1 - PipelineHistory::VisibleSeconds);
}

void TestUiPipeline::modelFollowsARealPipelineAndShowsTheMetersBottleneck()
{
    PipelinePage page;
    page.resize(1024, 768);
    page.show();
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY2(page.run(QStringLiteral("yes | gzip -9 | cat > /dev/null")), qPrintable(page.statusText()));
    QTRY_COMPARE(page.model()->rowCount(), 3);
    QCOMPARE(page.model()->index(0, PipelineModel::StageColumn).data().toString(), QStringLiteral("yes"));
    QCOMPARE(page.model()->index(1, PipelineModel::StageColumn).data().toString(), QStringLiteral("gzip -9"));
    for (int row = 0; row < 3; ++row)
        QVERIFY(page.model()->index(row, PipelineModel::PidColumn).data(PipelineModel::RawRole).toDouble() > 0);
    // yes writes all the time: its counter grows between samples.
    const double firstOut = page.model()->index(0, PipelineModel::BytesOutColumn).data(PipelineModel::RawRole).toDouble();
    QTRY_VERIFY(page.model()->index(0, PipelineModel::BytesOutColumn).data(PipelineModel::RawRole).toDouble() > firstOut);
    QCOMPARE(page.flowView()->stageCount(), 3);
    // The page shows what the meter decided. (Which stage the meter names on an idle machine is
    // a known defect of issue 10, tested in tst_meter; here: the page and the meter agree.)
    QTRY_VERIFY_WITH_TIMEOUT(page.meter()->lastSnapshot().bottleneck.stage >= 0, VerdictTimeoutMs);
    QSignalSpy updated(&page, &PipelinePage::updated);
    QVERIFY(updated.isValid());
    QVERIFY(updated.wait(5000));
    const Bottleneck meters = page.meter()->lastSnapshot().bottleneck;
    if (meters.stage < 0)
        QSKIP("the meter's verdict went back to balanced between two updates");
    QCOMPARE(page.model()->bottleneckRow(), meters.stage);
    QVERIFY(page.model()->index(meters.stage, 0).data(PipelineModel::IsBottleneckRole).toBool());
    for (int stage = 0; stage < 3; ++stage) {
        QCOMPARE(page.flowView()->stageBox(stage)->isBottleneck(), stage == meters.stage);
        QCOMPARE(page.flowView()->stageBox(stage)->bottleneckText(),
                 stage == meters.stage ? QStringLiteral("⚑ bottleneck") : QString());
    }
    const QString stageWords = QStringLiteral("(stage %1)").arg(meters.stage + 1);
    QVERIFY2(page.bottleneckText().contains(stageWords), qPrintable(page.bottleneckText()));
    QVERIFY(page.bottleneckText().contains(meters.text));
    // The pipes' rates reach the gauges and the chart's history.
    QTRY_VERIFY(page.model()->index(0, PipelineModel::RateColumn).data(PipelineModel::RawRole).toDouble() > 0);
    QVERIFY(page.flowView()->pipeGauge(0)->rateText().endsWith(QStringLiteral("/s")));
    QCOMPARE(page.history().stageCount(), 3);
    QCOMPARE(page.history().pipeCount(), 2);
    QVERIFY(page.history().peakRate() > 0);
    QSignalSpy finished(&page, &PipelinePage::finished);
    page.stop();
    QVERIFY(finished.wait(10000));
    QVERIFY(!page.isActive());
}

void TestUiPipeline::pauseAndResumeChangeTheStagesState()
{
    PipelinePage page;
    page.show();
    QVERIFY2(page.run(QStringLiteral("yes | cat > /dev/null")), qPrintable(page.statusText()));
    QTRY_COMPARE(page.model()->rowCount(), 2);
    QTRY_VERIFY(page.model()->index(1, PipelineModel::PidColumn).data(PipelineModel::RawRole).toDouble() > 0);
    QTRY_VERIFY(activityOf(page, 1) != StageActivity::Unknown);
    QVERIFY(page.pauseStage(1, true));
    QTRY_COMPARE(activityOf(page, 1), StageActivity::Stopped);
    QCOMPARE(page.flowView()->stageBox(1)->stateWord(), QStringLiteral("stopped"));
    QCOMPARE(page.flowView()->stageBox(1)->pauseButton()->text(), QStringLiteral("Resume"));
    // Back-pressure: the stopped reader's pipe fills and yes blocks writing.
    QTRY_COMPARE_WITH_TIMEOUT(activityOf(page, 0), StageActivity::BlockedWriting, 10000);
    QTRY_VERIFY(page.flowView()->pipeGauge(0)->queuedText().startsWith(QStringLiteral("full")));
    QVERIFY(page.pauseStage(1, false));
    QTRY_VERIFY(activityOf(page, 1) != StageActivity::Stopped);
    QCOMPARE(page.flowView()->stageBox(1)->pauseButton()->text(), QStringLiteral("Pause"));
    QSignalSpy finished(&page, &PipelinePage::finished);
    page.stop();
    QVERIFY(finished.wait(10000));
    // After the end there is nothing to signal.
    QSignalSpy errors(&page, &PipelinePage::errorOccurred);
    QVERIFY(!page.pauseStage(1, true));
    QCOMPARE(errors.size(), 1);
}

void TestUiPipeline::diagnosticsNameTheStoppedReader()
{
    // The explorer's diagnosis of the pipes between the stages, from the page's own
    // SystemMonitor scoped to them: nothing while bytes flow, the stopped reader named once
    // it is stopped and yes fills the pipe, nothing again once it resumes.
    PipelinePage page;
    page.show();
    QVERIFY2(page.run(QStringLiteral("yes | cat > /dev/null")), qPrintable(page.statusText()));
    QTRY_VERIFY(page.model()->index(1, PipelineModel::PidColumn).data(PipelineModel::RawRole).toDouble() > 0);
    PipelineDiagnosticsView *view = page.diagnosticsView();
    QTRY_VERIFY_WITH_TIMEOUT(view->scans() >= 3, VerdictTimeoutMs); // rates known
    QVERIFY(view->monitor()->isActive());
    QVERIFY(!view->monitor()->latest().snapshot.pipes.isEmpty());
    QVERIFY2(view->lines().isEmpty(), qPrintable(view->lines().join(u'\n')));
    QVERIFY(view->isHidden());
    const qint64 cat = qint64(page.model()->index(1, PipelineModel::PidColumn).data(PipelineModel::RawRole).toDouble());
    QVERIFY(page.pauseStage(1, true));
    const QString stopped = QStringLiteral("`cat` (pid %1)").arg(cat);
    QTRY_VERIFY_WITH_TIMEOUT(view->lines().join(u'\n').contains(stopped), VerdictTimeoutMs);
    QVERIFY2(view->lines().join(u'\n').contains(QStringLiteral("stopped")), qPrintable(view->lines().join(u'\n')));
    QVERIFY(view->isVisibleTo(&page));
    QVERIFY(page.pauseStage(1, false));
    QTRY_VERIFY_WITH_TIMEOUT(view->lines().isEmpty(), VerdictTimeoutMs);
    QSignalSpy finished(&page, &PipelinePage::finished);
    page.stop();
    QVERIFY(finished.wait(10000));
    QVERIFY(!view->monitor()->isActive());
    QVERIFY(view->isHidden());
}

void TestUiPipeline::exportedJsonLinesAndCsvParse()
{
    PipelinePage page;
    QSignalSpy finished(&page, &PipelinePage::finished);
    QVERIFY(finished.isValid());
    // A comma in a command tests CSV quoting; the sleep makes the run last several samples.
    QVERIFY(page.run(QStringLiteral("head -c 100000 /dev/zero | tr , x | (sleep 0.6; cat > /dev/null)")));
    QVERIFY(finished.wait(15000));
    QVERIFY(page.recording().sampleCount() >= 2);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    const QString json = dir.filePath(QStringLiteral("run.jsonl"));
    QVERIFY(page.exportJsonLines(json));
    QFile jsonFile(json);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = jsonFile.readAll().split('\n');
    QCOMPARE(lines.last(), QByteArray()); // every line ends with '\n'
    QCOMPARE(lines.size() - 1, qsizetype(page.recording().sampleCount()) + 1);
    QList<QJsonObject> objects;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(lines[i], &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(document.isObject());
        objects << document.object();
    }
    QCOMPARE(objects.first().value(QStringLiteral("type")).toString(), QStringLiteral("sample"));
    QCOMPARE(objects.first().value(QStringLiteral("stages")).toArray().size(), 3);
    const QJsonObject summary = objects.last();
    QCOMPARE(summary.value(QStringLiteral("type")).toString(), QStringLiteral("summary"));
    // Launched stages: head's total is read from its zombie, exact.
    const QJsonObject head = summary.value(QStringLiteral("stages")).toArray().first().toObject();
    QCOMPARE(head.value(QStringLiteral("bytes_out")).toDouble(), 100000.0);

    const QString csv = dir.filePath(QStringLiteral("run.csv"));
    QVERIFY(page.exportCsv(csv));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList rows = QString::fromUtf8(csvFile.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + 3 * int(page.recording().sampleCount()));
    const QStringList header = csvFields(rows.first());
    QCOMPARE(header.size(), 12);
    QCOMPARE(header.at(3), QStringLiteral("command"));
    for (const QString &row : rows.mid(1))
        QCOMPARE(csvFields(row).size(), 12);
    const QStringList tr = csvFields(rows.at(2));
    QCOMPARE(tr.at(1), QStringLiteral("1"));
    QCOMPARE(tr.at(3), QStringLiteral("tr , x"));
    bool ok = false;
    QVERIFY(tr.at(0).toDouble(&ok) >= 0 && ok);
    QVERIFY(tr.at(6).toDouble(&ok) >= 0 && ok); // bytes_in

    // A directory that does not exist: an error naming the path, nothing half written.
    QSignalSpy errors(&page, &PipelinePage::errorOccurred);
    QVERIFY(!page.exportCsv(dir.filePath(QStringLiteral("missing/run.csv"))));
    QCOMPARE(errors.size(), 1);
    QVERIFY(errors.first().first().toString().contains(QStringLiteral("missing/run.csv")));
}

void TestUiPipeline::badPipelineIsRefusedWithTheMetersReason()
{
    PipelinePage page;
    QSignalSpy errors(&page, &PipelinePage::errorOccurred);
    QVERIFY(!page.run(QStringLiteral("yes | | cat")));
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("empty stage")),
             qPrintable(errors.first().first().toString()));
    QVERIFY(!page.isActive());
    QCOMPARE(page.model()->rowCount(), 0);
}

void TestUiPipeline::fourStagesFitA1024x768Screen()
{
    // In a window of 90 % of 1024×768 (what MainWindow takes on such a screen), less its menu
    // bar, page tabs and status bar (~100 px).
    MainWindow window;
    auto *page = new PipelinePage(&window);
    window.addPage(page, QStringLiteral("Pipeline"));
    window.pages()->setCurrentWidget(page);
    window.show();
    QVERIFY(page->run(QStringLiteral("yes | cat | cat | cat > /dev/null")));
    QTRY_COMPARE(page->flowView()->stageCount(), 4);
    QTRY_VERIFY(page->model()->index(3, PipelineModel::PidColumn).data(PipelineModel::RawRole).toDouble() > 0);
    const QSize minimum = window.minimumSizeHint();
    qInfo() << "window minimum" << minimum << "page minimum" << page->minimumSizeHint();
    QVERIFY2(minimum.width() <= 1024 * 9 / 10 && minimum.height() <= 768 * 9 / 10,
             qPrintable(QStringLiteral("%1×%2").arg(minimum.width()).arg(minimum.height())));
    page->stop();
}

void TestUiPipeline::runAndAttachOptionsRefuseBadValues_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("attach not a number") << QStringList{ QStringLiteral("--attach"), QStringLiteral("abc") }
                                         << QStringLiteral("--attach needs a number from 1 to 2147483647, got 'abc'");
    QTest::newRow("attach zero") << QStringList{ QStringLiteral("--attach"), QStringLiteral("0") }
                                 << QStringLiteral("--attach needs a number from 1 to 2147483647, got '0'");
    QTest::newRow("empty pipeline") << QStringList{ QStringLiteral("--run"), QStringLiteral("  ") }
                                    << QStringLiteral("--run needs a pipeline");
    QTest::newRow("both") << QStringList{ QStringLiteral("--run"), QStringLiteral("yes | cat"),
                                          QStringLiteral("--attach"), QStringLiteral("1") }
                          << QStringLiteral("--run and --attach exclude each other");
}

void TestUiPipeline::runAndAttachOptionsRefuseBadValues()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CommandResult result = runCommand(QStringLiteral(PIPESCOPE_BINARY), arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestUiPipeline::csvFieldQuoting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << QStringLiteral("gzip -9") << QStringLiteral("gzip -9");
    QTest::newRow("comma") << QStringLiteral("tr , x") << QStringLiteral("\"tr , x\"");
    QTest::newRow("quote") << QStringLiteral("echo \"a\"") << QStringLiteral("\"echo \"\"a\"\"\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
}

void TestUiPipeline::csvFieldQuoting()
{
    QFETCH(QString, text);
    QFETCH(QString, field);
    QCOMPARE(PipelineRecording::csvField(text), field);
    if (!text.contains(u'\n'))
        QCOMPARE(csvFields(field), QStringList{ text });
}

QTEST_MAIN(TestUiPipeline)
#include "tst_ui_pipeline.moc"
