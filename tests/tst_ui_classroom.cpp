// Classroom mode (issue 13): presentation mode fills the screen, its keys drive a real lesson
// on real pipes (Space/→ next, ← back, R restart, F full screen, Esc leaves), fonts scale with
// the screen, the live graph gets the room the text does not need and the explorer's
// diagnosis is shown in large type.
#include "endpointgraph.h"
#include "lessonliveview.h"
#include "lessonspanel.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QFontInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QTest>

#include <csignal>

using namespace PipeScope;
using PipeScope::Ui::LessonsPanel;

namespace {

bool fullScreen(const QWidget &widget)
{
    return widget.windowState() & Qt::WindowFullScreen;
}

/// Presses \a key as a user would (through the shortcut map) and waits until the step is done.
bool press(LessonsPanel &panel, Qt::Key key)
{
    QTest::keyClick(&panel, key);
    return QTest::qWaitFor([&] { return !panel.isRunning(); }, 5000);
}

} // namespace

class TestClassroom : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fontScaleFollowsTheScreen_data();
    void fontScaleFollowsTheScreen();
    void keysDriveALesson();
    void focusedButtonDoesNotTakeTheKeys();
    void graphTakesTheRoomAndDiagnosisIsLarge();
    void graphIsDescribedToScreenReaders();
};

void TestClassroom::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL); // as a real program starts; the lessons handle it
}

void TestClassroom::fontScaleFollowsTheScreen_data()
{
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("basePixels");
    QTest::addColumn<double>("scale");
    QTest::newRow("1024x768, 12 px") << 768 << 12 << 768 / 36.0 / 12;
    QTest::newRow("1920x1080, 12 px") << 1080 << 12 << 1080 / 36.0 / 12;
    QTest::newRow("2560x1440, 12 px") << 1440 << 12 << 1440 / 36.0 / 12;
    QTest::newRow("small screen: at least 1.25") << 480 << 16 << 1.25;
    QTest::newRow("huge screen: at most 4") << 4320 << 10 << 4.0;
    QTest::newRow("unknown screen") << 0 << 12 << 1.25;
}

void TestClassroom::fontScaleFollowsTheScreen()
{
    QFETCH(int, height);
    QFETCH(int, basePixels);
    QFETCH(double, scale);
    QCOMPARE(LessonsPanel::presentationScaleFor(height, basePixels), scale);
    QVERIFY(LessonsPanel::presentationScaleFor(1080, 12) > LessonsPanel::presentationScaleFor(768, 12));
}

void TestClassroom::keysDriveALesson()
{
    LessonsPanel panel;
    panel.resize(900, 650);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QVERIFY(panel.selectLesson(QStringLiteral("nonblocking")));
    const int basePixels = QFontInfo(panel.font()).pixelSize();

    // Outside presentation mode the keys are the focused control's, not the lesson's.
    QVERIFY(press(panel, Qt::Key_Right));
    QCOMPARE(panel.stepsRun(), 0);

    panel.setPresentationMode(true);
    QVERIFY(fullScreen(panel));
    QVERIFY(!panel.lessonList()->isVisible());
    const double scale = LessonsPanel::presentationScaleFor(panel.screen()->geometry().height(), basePixels);
    QCOMPARE(panel.fontScale(), scale);
    QVERIFY2(qAbs(QFontInfo(panel.font()).pixelSize() - basePixels * scale) <= 1.0,
             qPrintable(QStringLiteral("%1 px for %2 × %3").arg(QFontInfo(panel.font()).pixelSize())
                                .arg(basePixels).arg(scale)));
    QCOMPARE(QFontInfo(panel.nextButton()->font()).pixelSize(), QFontInfo(panel.font()).pixelSize());

    // Space runs step 1 on real pipes; → shows step 2; ← goes back to step 1's result.
    QVERIFY(press(panel, Qt::Key_Space));
    QCOMPARE(panel.stepsRun(), 1);
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY2(panel.observedText().contains(QStringLiteral("EAGAIN")), qPrintable(panel.observedText()));
    QVERIFY(press(panel, Qt::Key_Right));
    QCOMPARE(panel.shownStep(), 1);
    QCOMPARE(panel.stepsRun(), 1);
    QVERIFY(press(panel, Qt::Key_Left));
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY(press(panel, Qt::Key_Right));
    QVERIFY(press(panel, Qt::Key_Right)); // runs step 2
    QCOMPARE(panel.stepsRun(), 2);
    QCOMPARE(panel.shownStep(), 1);

    // R: a fresh run.
    QVERIFY(press(panel, Qt::Key_R));
    QCOMPARE(panel.stepsRun(), 0);
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY(panel.observedText().isEmpty());

    // F leaves full screen and comes back, still presenting.
    QVERIFY(press(panel, Qt::Key_F));
    QVERIFY(!fullScreen(panel));
    QVERIFY(panel.isPresentationMode());
    QVERIFY(press(panel, Qt::Key_F));
    QVERIFY(fullScreen(panel));

    // Esc leaves presentation mode: window, fonts and keys as before.
    QVERIFY(press(panel, Qt::Key_Escape));
    QVERIFY(!panel.isPresentationMode());
    QVERIFY(!fullScreen(panel));
    QCOMPARE(panel.fontScale(), 1.0);
    QCOMPARE(QFontInfo(panel.font()).pixelSize(), basePixels);
    QVERIFY(panel.lessonList()->isVisible());
    QVERIFY(press(panel, Qt::Key_Space));
    QCOMPARE(panel.stepsRun(), 0);
    QCOMPARE(panel.nextButton()->focusPolicy(), Qt::StrongFocus);
}

void TestClassroom::focusedButtonDoesNotTakeTheKeys()
{
    // A teacher clicks Back with the mouse, then presses Space: the lesson goes on (Space is
    // not Back's, and the click gave Back no focus to keep it).
    LessonsPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QVERIFY(panel.selectLesson(QStringLiteral("nonblocking")));
    panel.setPresentationMode(true);
    QVERIFY(press(panel, Qt::Key_Space));
    QVERIFY(press(panel, Qt::Key_Right));
    QCOMPARE(panel.shownStep(), 1);
    QTest::mouseClick(panel.backButton(), Qt::LeftButton);
    QCOMPARE(panel.shownStep(), 0);
    QVERIFY(!panel.backButton()->hasFocus());
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &panel, Qt::Key_Space);
    QVERIFY(QTest::qWaitFor([&] { return !panel.isRunning(); }, 5000));
    QCOMPARE(panel.shownStep(), 1);
}

void TestClassroom::graphTakesTheRoomAndDiagnosisIsLarge()
{
    LessonsPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    panel.setPresentationMode(true);
    QTRY_COMPARE(panel.size(), panel.screen()->geometry().size()); // fills the screen
    QVERIFY(panel.liveView()->headlineText().isEmpty()); // nothing runs yet: no diagnosis

    QVERIFY(press(panel, Qt::Key_Space)); // `yes` fills a pipe nobody reads and blocks
    QVERIFY2(panel.verdictText().startsWith(u'✓'), qPrintable(panel.observedText()));
    QTRY_VERIFY2(panel.liveView()->headlineText().contains(QStringLiteral("blocked")),
                 qPrintable(panel.liveView()->pipesText()));
    QVERIFY(panel.liveView()->headlineText().contains(QStringLiteral("`yes`")));
    const QLabel *headline = panel.liveView()->headline();
    QVERIFY(headline->isVisible());
    QVERIFY2(QFontInfo(headline->font()).pixelSize() >= 1.25 * QFontInfo(panel.font()).pixelSize(),
             qPrintable(QStringLiteral("%1 px headline, %2 px text").arg(QFontInfo(headline->font()).pixelSize())
                                .arg(QFontInfo(panel.font()).pixelSize())));

    // The step text is not cut short (it does not scroll unless it needs more than 60 % of the
    // height), and the graph gets the rest.
    QTest::qWait(50); // the layout settles with the new fonts and the observation
    const QScrollArea *text = panel.stepScroll();
    const int textShare = 100 * text->height() / panel.height();
    QVERIFY2(text->verticalScrollBar()->maximum() == 0 || textShare >= 55,
             qPrintable(QStringLiteral("text %1 %, scrolls %2 px").arg(textShare)
                                .arg(text->verticalScrollBar()->maximum())));
    const Ui::EndpointGraph *graph = panel.liveView()->graph();
    QVERIFY2(graph->height() >= panel.height() / 5 && graph->width() >= panel.width() * 9 / 10,
             qPrintable(QStringLiteral("graph %1x%2 in %3x%4").arg(graph->width()).arg(graph->height())
                                .arg(panel.width()).arg(panel.height())));

    panel.setPresentationMode(false);
    QVERIFY(!headline->isVisible());
    QVERIFY(panel.liveView()->headlineText().isEmpty());
}

void TestClassroom::graphIsDescribedToScreenReaders()
{
    LessonsPanel panel;
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Ui::EndpointGraph *graph = panel.liveView()->graph();
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(graph);
    QVERIFY(iface && iface->isValid());
    QCOMPARE(iface->role(), QAccessible::List);
    QCOMPARE(iface->childCount(), 0); // nothing runs yet
    QVERIFY(panel.selectLesson(QStringLiteral("backpressure")));
    QTest::mouseClick(panel.nextButton(), Qt::LeftButton); // `yes` fills a pipe and blocks
    QVERIFY(QTest::qWaitFor([&] { return !panel.isRunning(); }, 5000));
    const qint64 yes = panel.processesText().section(u' ', 1, 1).section(u':', 0, 0).toLongLong();
    QVERIFY(yes > 0);
    QTRY_VERIFY(graph->processText(yes).contains(QStringLiteral("blocked writing")));

    // Two boxes (yes, us), two gauges, and yes's two edges plus our two: every one in words.
    QCOMPARE(iface->childCount(), graph->processCount() + graph->pipeCount() + 4);
    QVERIFY2(iface->text(QAccessible::Description).startsWith(QStringLiteral("2 processes, 2 pipes, 4 edges; 1 blocked")),
             qPrintable(iface->text(QAccessible::Description)));
    QStringList names;
    QAccessibleInterface *box = nullptr, *full = nullptr, *edge = nullptr;
    for (int i = 0; i < iface->childCount(); ++i) {
        QAccessibleInterface *child = iface->child(i);
        QVERIFY(child && child->isValid());
        QCOMPARE(child->parent(), iface);
        QCOMPARE(iface->indexOfChild(child), i);
        const QString name = child->text(QAccessible::Name);
        names << name + QStringLiteral(": ") + child->text(QAccessible::Description);
        if (name == QStringLiteral("yes (pid %1)").arg(yes))
            box = child;
        if (child->role() == QAccessible::ProgressBar && child->text(QAccessible::Description).contains(QStringLiteral("(100%)")))
            full = child;
        if (name.startsWith(QStringLiteral("yes (pid %1) writes into pipe").arg(yes)))
            edge = child;
    }
    QVERIFY2(box && full && edge, qPrintable(names.join(u'\n')));
    QVERIFY2(box->text(QAccessible::Description).startsWith(QStringLiteral("blocked writing pipe")),
             qPrintable(box->text(QAccessible::Description)));
    QCOMPARE(box->role(), QAccessible::Graphic);
    QVERIFY(edge->text(QAccessible::Name).endsWith(full->text(QAccessible::Name)));
    QVERIFY(!box->rect().isEmpty());
}

QTEST_MAIN(TestClassroom)
#include "tst_ui_classroom.moc"
