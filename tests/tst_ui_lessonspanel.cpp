// The Lessons panel, driven by its buttons: step through a lesson on real pipes, revisit a
// result, run the rest, restart, presentation mode, and the live view of the lesson's pipes.
#include "endpointgraph.h"
#include "lessonliveview.h"
#include "lessonspanel.h"
#include "stepcard.h"
#include "worksheetrecorder.h"
#include "systempipesmodel.h"
#include "testsupport.h"

#include <pipescope/lessoncatalog.h>
#include <pipescope/pipediagnostics.h>

#include <QFontInfo>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace PipeScope;
using PipeScope::Ui::LessonsPanel;

namespace {

int freshCapacity()
{
    const auto [r, w] = Test::makePipe();
    const int capacity = ::fcntl(r, F_GETPIPE_SZ);
    ::close(r);
    ::close(w);
    return capacity;
}

/// Clicks "Run step"/"Next" and waits until the panel is idle again.
bool clickNextAndWait(LessonsPanel &panel)
{
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton);
    return QTest::qWaitFor([&] { return !panel.isRunning(); }, 5000);
}

/// The label of \a panel that shows exactly \a text, or null.
const QLabel *labelShowing(const QWidget &panel, const QString &text)
{
    for (const QLabel *label : panel.findChildren<QLabel *>()) {
        if (label->text() == text)
            return label;
    }
    return nullptr;
}

} // namespace

class TestLessonsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsEveryLesson();
    void stepsThroughALesson();
    void runAllAndRestart();
    void presentationMode();
    void graphLabelsScaleWithPresentationAndFit();
    void showsLiveProcessesAndReapsThem();
    void liveGraphShowsTheFullPipeAndOpensIt();
    void savesAWorksheetWithTheGraphs();
    void issue16LiveViewSaysTheLessonHoldsTheReadEnd();
};

void TestLessonsPanel::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL); // as a real program starts; the lessons handle it
}

void TestLessonsPanel::listsEveryLesson()
{
    LessonsPanel panel;
    QCOMPARE(panel.lessonList()->count(), LessonCatalog::ids().size());
    QCOMPARE(panel.currentLessonId(), LessonCatalog::ids().first());
    QVERIFY(!panel.selectLesson(QStringLiteral("no-such-lesson")));
}

void TestLessonsPanel::stepsThroughALesson()
{
    LessonsPanel panel;
    panel.show();
    QSignalSpy ran(&panel, &LessonsPanel::stepRan);
    QVERIFY(ran.isValid());
    QVERIFY(panel.selectLesson(QStringLiteral("nonblocking")));
    const Lesson lesson = *LessonCatalog::find(QStringLiteral("nonblocking"));

    // Step 1 on screen, not run: neither the prediction (the student makes their own first)
    // nor an observation.
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY(panel.predictionText().isEmpty());
    QVERIFY(!panel.stepCard()->isPredictionShown());
    QVERIFY(panel.stepCard()->revealButton()->isVisible());
    QCOMPARE(panel.explanationText(), lesson.steps.at(0).explanation);
    QVERIFY(panel.observedText().isEmpty());
    QCOMPARE(panel.nextButton()->text(), QStringLiteral("Run step"));
    QVERIFY(!panel.backButton()->isEnabled());

    // Run it: disabled while running, then the observation with its verdict.
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton);
    QVERIFY(panel.isRunning());
    QVERIFY(!panel.nextButton()->isEnabled());
    QVERIFY(QTest::qWaitFor([&] { return !panel.isRunning(); }, 5000));
    QCOMPARE(ran.size(), 1);
    QCOMPARE(ran.at(0).at(0).toInt(), 0);
    QCOMPARE(ran.at(0).at(1).toBool(), true);
    QVERIFY2(panel.verdictText().startsWith(u'✓'), qPrintable(panel.verdictText()));
    QVERIFY2(panel.observedText().contains(QStringLiteral("write(1) → EAGAIN")),
             qPrintable(panel.observedText()));
    QCOMPARE(panel.nextButton()->text(), QStringLiteral("Next"));
    // Once it ran: prediction and observation side by side.
    QCOMPARE(panel.predictionText(), lesson.steps.at(0).prediction);
    QVERIFY(!panel.stepCard()->revealButton()->isVisible());
    const QLabel *predicted = labelShowing(panel, lesson.steps.at(0).prediction);
    const QLabel *observed = labelShowing(panel, panel.observedText());
    QVERIFY(predicted && observed && predicted->isVisible() && observed->isVisible());
    QTest::qWait(50); // the layout settles after the hint above the prediction went
    const QRect p = QRect(predicted->mapTo(&panel, QPoint()), predicted->size());
    const QRect o = QRect(observed->mapTo(&panel, QPoint()), observed->size());
    QVERIFY2(p.right() < o.left() && p.bottom() > o.top() && o.bottom() > p.top(),
             qPrintable(QStringLiteral("prediction %1,%2 %3x%4; observed %5,%6 %7x%8")
                            .arg(p.x()).arg(p.y()).arg(p.width()).arg(p.height())
                            .arg(o.x()).arg(o.y()).arg(o.width()).arg(o.height())));

    // Next shows step 2 without running it; the second click runs it.
    QVERIFY(clickNextAndWait(panel));
    QCOMPARE(panel.shownStep(), 1);
    QCOMPARE(panel.stepsRun(), 1);
    QVERIFY(panel.observedText().isEmpty());
    QVERIFY(panel.predictionText().isEmpty()); // hidden again for the next step
    // The student may ask before running it.
    QTest::mouseClick(panel.stepCard()->revealButton(), Qt::LeftButton);
    QCOMPARE(panel.predictionText(), lesson.steps.at(1).prediction);
    QVERIFY(clickNextAndWait(panel));
    QCOMPARE(panel.stepsRun(), 2);
    const int capacity = freshCapacity();
    QVERIFY2(panel.observedText().contains(
                 QStringLiteral("write(%1) → %2").arg(capacity + 4464).arg(capacity)),
             qPrintable(panel.observedText()));
    QVERIFY(!panel.whyText().isEmpty());

    // Back revisits step 1's result without running anything.
    QTest::mouseClick(panel.backButton(), Qt::LeftButton);
    QCOMPARE(panel.shownStep(), 0);
    QCOMPARE(panel.stepsRun(), 2);
    QVERIFY(panel.observedText().contains(QStringLiteral("EAGAIN")));
    QCOMPARE(ran.size(), 2);
}

void TestLessonsPanel::runAllAndRestart()
{
    LessonsPanel panel;
    QSignalSpy ran(&panel, &LessonsPanel::stepRan);
    QVERIFY(ran.isValid());
    QVERIFY(panel.selectLesson(QStringLiteral("capacity")));
    QTest::mouseClick(panel.runAllButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(panel.stepsRun(), 6, 10000);
    QTRY_VERIFY(!panel.isRunning());
    QCOMPARE(ran.size(), 6);
    for (const QList<QVariant> &signal : std::as_const(ran))
        QVERIFY(signal.at(1).toBool());
    QCOMPARE(panel.shownStep(), 5);
    QVERIFY2(panel.observedText().contains(QStringLiteral("EBUSY")),
             qPrintable(panel.observedText()));
    QVERIFY(!panel.runAllButton()->isEnabled());
    QVERIFY(!panel.nextButton()->isEnabled()); // the last step, already run

    panel.restart();
    QCOMPARE(panel.stepsRun(), 0);
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY(panel.observedText().isEmpty());
    QVERIFY(panel.runAllButton()->isEnabled());
}

void TestLessonsPanel::presentationMode()
{
    LessonsPanel panel;
    panel.show();
    const qreal normal = panel.font().pointSizeF();
    QVERIFY(panel.lessonList()->isVisible());
    panel.setPresentationMode(true);
    QVERIFY(panel.isPresentationMode());
    QVERIFY(!panel.lessonList()->isVisible());
    QVERIFY(panel.font().pointSizeF() >= normal * 1.25);
    QCOMPARE(panel.font().pointSizeF(), normal * panel.fontScale());
    QCOMPARE(panel.nextButton()->font().pointSizeF(), panel.font().pointSizeF());
    panel.setPresentationMode(false);
    QCOMPARE(panel.font().pointSizeF(), normal);
    QVERIFY(panel.lessonList()->isVisible());
}

void TestLessonsPanel::graphLabelsScaleWithPresentationAndFit()
{
    LessonsPanel panel;
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Ui::EndpointGraph *graph = panel.liveView()->graph();
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    QVERIFY(clickNextAndWait(panel)); // `yes` and us: two boxes
    QTRY_COMPARE(graph->processCount(), 2);
    const int textPx = QFontInfo(panel.font()).pixelSize();
    graph->fit();
    QVERIFY2(graph->labelPixelSize() >= textPx * 0.99,
             qPrintable(QStringLiteral("%1 < %2").arg(graph->labelPixelSize()).arg(textPx)));

    panel.setPresentationMode(true);
    const int bigPx = QFontInfo(panel.font()).pixelSize();
    QVERIFY(bigPx >= textPx * 1.25);
    QVERIFY2(graph->labelPixelSize() >= bigPx * 0.99,
             qPrintable(QStringLiteral("%1 < %2").arg(graph->labelPixelSize()).arg(bigPx)));
    // Fit in a small window scrolls rather than shrink the words below the page's text.
    panel.resize(700, 500);
    QTest::qWait(50);
    graph->fit();
    QVERIFY2(graph->labelPixelSize() >= bigPx * 0.99,
             qPrintable(QStringLiteral("%1 < %2").arg(graph->labelPixelSize()).arg(bigPx)));
    panel.setPresentationMode(false);
    graph->fit();
    QVERIFY(graph->labelPixelSize() >= textPx * 0.99);
}

void TestLessonsPanel::showsLiveProcessesAndReapsThem()
{
    LessonsPanel panel;
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    QVERIFY(clickNextAndWait(panel)); // `yes` fills the pipe and blocks
    QVERIFY2(panel.verdictText().startsWith(u'✓'), qPrintable(panel.observedText()));
    QTRY_VERIFY2(panel.processesText().contains(QStringLiteral("pipe_write")),
                 qPrintable(panel.processesText()));
    const qint64 pid = panel.processesText().section(u' ', 1, 1).section(u':', 0, 0).toLongLong();
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), 0), 0);

    // Another lesson: the old run's children are killed and reaped.
    QVERIFY(panel.selectLesson(QStringLiteral("nonblocking")));
    QVERIFY(::kill(pid_t(pid), 0) == -1 && errno == ESRCH);
    QTRY_COMPARE(panel.processesText(), QStringLiteral("(none running)"));
}

void TestLessonsPanel::liveGraphShowsTheFullPipeAndOpensIt()
{
    LessonsPanel panel;
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Ui::LessonLiveView *live = panel.liveView();
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    QCOMPARE(live->pipesText(), QStringLiteral("(no pipes open)"));
    QCOMPARE(live->graph()->processCount(), 0);
    QVERIFY(clickNextAndWait(panel)); // `yes` fills its stdout pipe and blocks

    const qint64 yes = panel.processesText().section(u' ', 1, 1).section(u':', 0, 0).toLongLong();
    QVERIFY(yes > 0);
    const QString full = QStringLiteral("%1/%1 (100%)").arg(freshCapacity());
    QTRY_VERIFY2(live->pipesText().contains(full), qPrintable(live->pipesText()));
    QVERIFY2(live->pipesText().contains(QStringLiteral("⚠ writer `yes` (pid %1, fd 1) blocked").arg(yes)),
             qPrintable(live->pipesText()));
    // Boxes for yes and for us; yes's stdin and stdout pipes between them.
    QCOMPARE(live->graph()->processCount(), 2);
    QCOMPARE(live->graph()->pipeCount(), 2);
    QVERIFY2(live->graph()->processText(yes).contains(QStringLiteral("blocked writing")),
             qPrintable(live->graph()->processText(yes)));

    // Selecting the full pipe in the graph offers it to the System page.
    const PipeInfo *stdoutPipe = live->snapshot().pipeAt(yes, 1);
    QVERIFY(stdoutPipe);
    const QString key = Ui::SystemPipesModel::keyString(stdoutPipe->key);
    QVERIFY(!live->openButton()->isEnabled());
    Ui::EndpointGraph *graph = live->graph();
    QTest::mouseClick(graph->viewport(), Qt::LeftButton, {},
                      graph->mapFromScene(graph->pipePosition(key)));
    QCOMPARE(graph->selectedPipe(), key);
    QVERIFY(live->openButton()->isEnabled());
    QSignalSpy open(&panel, &LessonsPanel::openInSystemPage);
    QVERIFY(open.isValid());
    QTest::mouseClick(live->openButton(), Qt::LeftButton);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).at(0).toString(), key);

    // A fresh run: the old pipes are gone from the view at once.
    panel.restart();
    QCOMPARE(live->pipesText(), QStringLiteral("(no pipes open)"));
    QCOMPARE(live->graph()->processCount(), 0);
}

void TestLessonsPanel::issue16LiveViewSaysTheLessonHoldsTheReadEnd()
{
    // "A fast writer, nobody reading": the lesson holds the read end of yes's stdout and does
    // not read it. The live view said "reader `tst_ui_lessonspanel` is busy (running)" (this
    // process, scanning) and drew its box "running".
    LessonsPanel panel;
    panel.resize(1200, 900);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Ui::LessonLiveView *live = panel.liveView();
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    QVERIFY(clickNextAndWait(panel));
    const qint64 yes = panel.processesText().section(u' ', 1, 1).section(u':', 0, 0).toLongLong();
    QVERIFY(yes > 0);
    const qint64 host = QCoreApplication::applicationPid();
    // Rates need a second of scans: until then the words stay neutral. The graph and the
    // diagnostics of one scan agree: yes blocked, the lesson not reading.
    const auto reader = [&] {
        return QStringLiteral("reader %1: held by the lesson, not reading")
                .arg(PipeDiagnostics::processName(live->snapshot(), host));
    };
    QTRY_VERIFY2_WITH_TIMEOUT(live->pipesText().contains(reader())
                                      && live->graph()->processText(yes).contains(QStringLiteral("blocked writing")),
                              qPrintable(live->pipesText() + u'\n' + live->graph()->processText(yes)), 10000);
    QVERIFY2(!live->pipesText().contains(u"busy"), qPrintable(live->pipesText()));
    QCOMPARE(live->graph()->processText(host).section(u'\n', 1), QStringLiteral("held by the lesson, not reading"));
}

QTEST_MAIN(TestLessonsPanel)
void TestLessonsPanel::savesAWorksheetWithTheGraphs()
{
    LessonsPanel panel;
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(panel.selectLesson(QStringLiteral("stopped-reader")));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Error error;
    QVERIFY(!panel.saveWorksheetButton()->isEnabled());
    QVERIFY(!panel.saveWorksheet(dir.filePath(QStringLiteral("none.html")), &error));
    QCOMPARE(error.message(), QStringLiteral("no step has run yet"));

    QTest::mouseClick(panel.runAllButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(panel.stepsRun(), 4, 20000);
    QTRY_VERIFY(!panel.isRunning());
    QVERIFY(panel.saveWorksheetButton()->isEnabled());
    const QString html = dir.filePath(QStringLiteral("sheet.html"));
    QVERIFY2(panel.saveWorksheet(html, &error), qPrintable(error.message()));
    QFile file(html);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    const std::optional<Lesson> lesson = LessonCatalog::find(QStringLiteral("stopped-reader"));
    for (const Step &step : lesson->steps)
        QVERIFY2(text.contains(step.title.toHtmlEscaped()), qPrintable(step.title));
    // A picture per step whose pipes showed anything, each a PNG of the graph as it was then:
    // the writer and reader after step 2, the stopped reader's full FIFO after step 3 (after
    // step 1 nothing holds the new FIFO yet, after step 4 both are dead: no picture).
    static const QRegularExpression picture(QStringLiteral("data:image/png;base64,([A-Za-z0-9+/=]+)"));
    QList<QByteArray> pngs;
    for (const QRegularExpressionMatch &match : picture.globalMatch(text))
        pngs << QByteArray::fromBase64(match.captured(1).toLatin1());
    const Ui::WorksheetRecorder *recorder = panel.worksheetRecorder();
    QVERIFY(!recorder->hasPicture(0) && recorder->hasPicture(1) && recorder->hasPicture(2) && !recorder->hasPicture(3));
    QCOMPARE(pngs.size(), 2);
    for (const QByteArray &png : std::as_const(pngs)) {
        const QImage image = QImage::fromData(png, "PNG");
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() >= 100 && image.height() >= 40, qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    }
    QVERIFY(pngs[0] != pngs[1]);

    const QString markdown = dir.filePath(QStringLiteral("sheet.md"));
    QVERIFY2(panel.saveWorksheet(markdown, &error), qPrintable(error.message()));
    QFile md(markdown);
    QVERIFY(md.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(md.readAll()).count(QStringLiteral("](data:image/png;base64,")), pngs.size());

    QVERIFY(!panel.saveWorksheet(QStringLiteral("/nonexistent-dir/sheet.html"), &error));
    QVERIFY2(error.message().contains(QStringLiteral("/nonexistent-dir/sheet.html")), qPrintable(error.message()));
}

#include "tst_ui_lessonspanel.moc"
