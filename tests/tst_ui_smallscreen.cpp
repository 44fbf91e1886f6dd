// Issue 16, windows: every page is usable in a 1024×768 window, and at 1280×800, with
// nothing essential hidden — the Lab's Reader panel with its Pause button was off-screen at
// 1024×768 and buttons were clipped at 1280×800. On the window as `pipescope --demo` shows
// it, the Pipeline page metering a real three-stage pipeline (offscreen).
#include "pagestestsupport.h"

#include "lessonspanel.h"
#include "mainwindow.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "systempage.h"
#include "writerpanel.h"
#include "pipelinepage.h"
#include "stagebox.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryFile>
#include <QTest>

#include <csignal>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

QRect onWindow(const QWidget *w)
{
    return QRect(w->mapTo(w->window(), QPoint(0, 0)), w->size());
}

/// Scrolls \a scroll up or down (never sideways) to show \a w, as Tab would.
void scrollVerticallyTo(QScrollArea *scroll, const QWidget *w)
{
    if (!scroll->widget() || !scroll->widget()->isAncestorOf(w)
        || scroll->verticalScrollBarPolicy() == Qt::ScrollBarAlwaysOff) // no user could scroll it
        return;
    const int top = w->mapTo(scroll->widget(), QPoint(0, 0)).y();
    QScrollBar *bar = scroll->verticalScrollBar();
    const int page = scroll->viewport()->height();
    if (top < bar->value())
        bar->setValue(top);
    else if (top + w->height() > bar->value() + page)
        bar->setValue(top + w->height() - page);
}

/// Why \a button cannot be seen whole in its window, or empty. A page scrolls up and down as
/// a whole: a button counts as seen once its scroll area has scrolled to it vertically. A
/// page wider than the window is not usable: the Reader panel was off to the right.
QString hiddenPart(QAbstractButton *button)
{
    for (QWidget *p = button->parentWidget(); p; p = p->parentWidget()) {
        if (auto *scroll = qobject_cast<QScrollArea *>(p))
            scrollVerticallyTo(scroll, button);
    }
    QApplication::processEvents();
    if (button->width() < button->minimumSizeHint().width() || button->height() < button->minimumSizeHint().height())
        return QStringLiteral("squeezed below its text");
    QRect seen = onWindow(button);
    for (const QWidget *p = button->parentWidget(); p; p = p->parentWidget())
        seen &= onWindow(p); // each parent clips it; the window's rect last
    if (seen != onWindow(button))
        return QStringLiteral("clipped to %1×%2 of %3×%4").arg(seen.width()).arg(seen.height())
                .arg(button->width()).arg(button->height());
    return {};
}

/// The buttons a user sees on \a page (and in the docks shown with it), not the parts of a
/// tab bar or a line edit.
QList<QAbstractButton *> shownButtons(const QList<QWidget *> &areas)
{
    QList<QAbstractButton *> result;
    for (const QWidget *area : areas) {
        for (QAbstractButton *b : area->findChildren<QAbstractButton *>()) {
            const QWidget *parent = b->parentWidget();
            // Qt's own: a tab bar's arrows, a line edit's clear button, a dock's title buttons.
            if (b->isVisible() && !qobject_cast<const QTabBar *>(parent) && !qobject_cast<const QLineEdit *>(parent)
                && !qobject_cast<const QDockWidget *>(parent))
                result << b;
        }
    }
    return result;
}

} // namespace

class TestSmallScreen : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyButtonIsShownWhole_data();
    void everyButtonIsShownWhole();
};

void TestSmallScreen::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL);
}

void TestSmallScreen::everyButtonIsShownWhole_data()
{
    QTest::addColumn<int>("page");
    QTest::addColumn<QSize>("size");
    const QStringList pages = { QStringLiteral("Pipe Lab"), QStringLiteral("System"), QStringLiteral("Lessons"),
                                QStringLiteral("Pipeline") };
    for (const QSize size : { QSize(1024, 768), QSize(1280, 800) }) {
        for (int page = 0; page < pages.size(); ++page)
            QTest::addRow("%s at %dx%d", qPrintable(pages.at(page)), size.width(), size.height()) << page << size;
    }
}

void TestSmallScreen::everyButtonIsShownWhole()
{
    QFETCH(int, page);
    QFETCH(QSize, size);
    // Sized before it is shown, as on a screen of that size (the frame is the window
    // manager's: none offscreen).
    DemoWindow demo = demoWindow(size);
    QWidget *shown = demo.showPage(page);
    QTRY_COMPARE(demo.window->size(), size);
    QList<QWidget *> areas = { shown };
    if (page == 0) {
        for (QDockWidget *dock : demo.window->findChildren<QDockWidget *>())
            areas << dock;
    }
    if (page == 3) {
        QVERIFY(demo.pipeline->run(QStringLiteral("sleep 30 | sleep 30 | sleep 30")));
        QTRY_COMPARE(shown->findChildren<Ui::StageBox *>().size(), 3);
    }
    QTest::qWait(100); // layouts settle
    const QList<QAbstractButton *> buttons = shownButtons(areas);
    QVERIFY(buttons.size() >= 3);
    // What each page is for must be among them, not merely left out of the window.
    QList<QAbstractButton *> essential;
    if (page == 0) {
        const Ui::PipeInspector *inspector = demo.window->inspector();
        essential = { inspector->readerPanel()->pauseButton(), inspector->readerPanel()->closeButton(),
                      inspector->writerPanel()->sendButton(), inspector->writerPanel()->closeButton() };
    } else if (page == 1) {
        essential = { demo.system->pauseButton() };
    } else if (page == 2) {
        essential = { demo.lessons->nextButton(), demo.lessons->backButton(), demo.lessons->runAllButton() };
    } else {
        for (const Ui::StageBox *box : shown->findChildren<Ui::StageBox *>())
            essential << box->pauseButton();
    }
    for (QAbstractButton *button : std::as_const(essential))
        QVERIFY2(buttons.contains(button), qPrintable(describe(button) + QStringLiteral(" is not shown")));
    QStringList hidden;
    for (QAbstractButton *button : buttons) {
        if (const QString why = hiddenPart(button); !why.isEmpty())
            hidden << QStringLiteral("%1: %2").arg(describe(button), why);
    }
    QVERIFY2(hidden.isEmpty(), qPrintable(hidden.join(QStringLiteral("; "))));
}

int main(int argc, char **argv)
{
    // The offscreen screen is 800×600: a window fits itself into it when shown. One larger
    // than the windows tested leaves their size alone (offscreen:configfile, Qt ≥ 6.0).
    QTemporaryFile screens;
    if (!screens.open())
        qFatal("screens: %s", qPrintable(screens.errorString()));
    screens.write(R"({"screens": [{"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1200,
                                   "logicalDpi": 96, "dpr": 1}]})");
    screens.flush();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + screens.fileName().toLocal8Bit());
    QApplication app(argc, argv);
    TestSmallScreen test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_ui_smallscreen.moc"
