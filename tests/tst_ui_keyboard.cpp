// Issue 16, keyboard: Tab walks every page in its reading order and reaches every control
// (the Lab inspector went Send → Generator → Capacity → Reader → Slow consumer), and Space,
// the Lab's window-wide pause, stays with a focused control that uses it. On the window as
// `pipescope --demo` shows it, with real pages and a real demo pipe (offscreen).
#include "pagestestsupport.h"

#include "endpointspanel.h"
#include "mainwindow.h"
#include "pipeinspector.h"
#include "pipelinepage.h"
#include "stagebox.h"
#include "writerpanel.h"

#include <pipescope/labpipe.h>
#include <pipescope/readpipetransport.h>

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QTreeView>

#include <QApplication>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>

#include <csignal>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

/// QWidget::focusNextChild() is protected; naming it through a subclass is the legal way to
/// call it on any widget (what Tab does, without a widget's own use of the Tab key).
struct Tab : QWidget
{
    static bool next(QWidget *window) { return (window->*(&Tab::focusNextChild))(); }
};

/// The focus widgets Tab visits from \a start until it comes back to it.
QList<QWidget *> tabCycle(QWidget *start)
{
    start->setFocus(Qt::TabFocusReason);
    QList<QWidget *> visited;
    for (int i = 0; i < 400 && Tab::next(start->window()); ++i) {
        QWidget *focus = QApplication::focusWidget();
        if (!focus || focus == start)
            break;
        visited << focus;
    }
    return visited;
}

QRect onWindow(const QWidget *w)
{
    return QRect(w->mapTo(w->window(), QPoint(0, 0)), w->size());
}

/// The child of \a ancestor that holds \a w (or \a w itself).
const QWidget *branch(const QWidget *ancestor, const QWidget *w)
{
    while (w->parentWidget() != ancestor)
        w = w->parentWidget();
    return w;
}

/// Reading order, as a page nests it: \a b comes after \a a when, in the innermost widget that
/// holds both, \a b's part lies below \a a's, or beside it to the right. (So Capacity, in the
/// kernel column right of the writer's, comes after the writer's Close button below it.)
bool readsAfter(const QWidget *a, const QWidget *b)
{
    if (a->isAncestorOf(b))
        return true; // a container (a scroll area), then what it holds
    if (b->isAncestorOf(a))
        return false; // what a container holds, then the container
    const QWidget *common = a->parentWidget();
    while (common && !common->isAncestorOf(b))
        common = common->parentWidget();
    if (!common)
        return false; // not in one window
    const QRect first = onWindow(branch(common, a));
    const QRect second = onWindow(branch(common, b));
    constexpr int slack = 2;
    if (second.top() >= first.bottom() - slack)
        return true; // a line further down
    const bool sameBand = second.top() < first.bottom() && first.top() < second.bottom();
    return sameBand && second.left() >= first.right() - slack;
}

} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tabFollowsReadingOrder_data();
    void tabFollowsReadingOrder();
    void spaceStaysWithTheFocusedControl_data();
    void spaceStaysWithTheFocusedControl();
};

void TestKeyboard::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL);
}

void TestKeyboard::tabFollowsReadingOrder_data()
{
    QTest::addColumn<int>("page");
    QTest::newRow("Pipe Lab") << 0;
    QTest::newRow("System") << 1;
    QTest::newRow("Lessons") << 2;
    QTest::newRow("Pipeline") << 3;
}

void TestKeyboard::tabFollowsReadingOrder()
{
    QFETCH(int, page);
    DemoWindow demo = demoWindow();
    demo.window->resize(1400, 900);
    QWidget *shown = demo.showPage(page);
    if (page == 3) { // stage boxes, made as the meter finds the stages, have Pause buttons
        QVERIFY(demo.pipeline->run(QStringLiteral("sleep 30 | sleep 30")));
        QTRY_COMPARE(shown->findChildren<Ui::StageBox *>().size(), 2);
    }
    // The tab bar comes before the page: Tab from it walks the page from its first control.
    const QList<QWidget *> cycle = tabCycle(demo.window->pages()->tabBar());
    QList<QWidget *> onPage;
    qsizetype first = -1, last = -1;
    for (qsizetype i = 0; i < cycle.size(); ++i) {
        if (!shown->isAncestorOf(cycle.at(i)))
            continue;
        onPage << cycle.at(i);
        last = i;
        if (first < 0)
            first = i;
    }
    QVERIFY(!onPage.isEmpty());
    QCOMPARE(first, 0);
    QCOMPARE(last - first + 1, onPage.size()); // one stretch: Tab does not leave and come back
    for (QWidget *control : focusableControls(shown))
        QVERIFY2(onPage.contains(control), qPrintable(describe(control) + QStringLiteral(" is never reached")));
    for (qsizetype i = 1; i < onPage.size(); ++i) {
        QVERIFY2(readsAfter(onPage.at(i - 1), onPage.at(i)),
                 qPrintable(QStringLiteral("%1 → %2").arg(describe(onPage.at(i - 1)), describe(onPage.at(i)))));
    }
}

void TestKeyboard::spaceStaysWithTheFocusedControl_data()
{
    QTest::addColumn<QString>("control");
    QTest::newRow("line edit") << QStringLiteral("Send text");
    QTest::newRow("check box") << QStringLiteral("Append newline");
    QTest::newRow("item view") << QStringLiteral("Endpoints");
    QTest::newRow("combo box") << QStringLiteral("Send mode");
}

void TestKeyboard::spaceStaysWithTheFocusedControl()
{
    QFETCH(QString, control);
    DemoWindow demo = demoWindow();
    Ui::WriterPanel *writer = demo.window->inspector()->writerPanel();
    QAbstractItemView *table = demo.window->endpointsPanel()->view();
    const QHash<QString, QWidget *> controls = { { QStringLiteral("Send text"), writer->sendEdit() },
                                                 { QStringLiteral("Append newline"), writer->newlineBox() },
                                                 { QStringLiteral("Endpoints"), table },
                                                 { QStringLiteral("Send mode"), writer->sendModeBox() } };
    QWidget *focused = controls.value(control);
    // The table has a current row that is not selected: Space selects it.
    const QModelIndex row = table->model()->index(0, 0);
    table->selectionModel()->clearSelection();
    table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::NoUpdate);
    const bool newline = writer->newlineBox()->isChecked();
    focused->setFocus();
    QVERIFY(focused->hasFocus());
    QTest::keyClick(focused, Qt::Key_Space);
    QVERIFY(!demo.pipe->isPausedByUser());
    QVERIFY(demo.pipe->reader()->isReading());
    if (focused == writer->sendEdit())
        QCOMPARE(writer->sendEdit()->text(), QStringLiteral(" "));
    else if (focused == writer->newlineBox())
        QCOMPARE(writer->newlineBox()->isChecked(), !newline);
    else if (focused == table)
        QVERIFY(table->selectionModel()->isSelected(row));
    else
        QTRY_VERIFY(writer->sendModeBox()->view()->isVisible()); // its list opened
    writer->sendModeBox()->hidePopup();
}

QTEST_MAIN(TestKeyboard)
#include "tst_ui_keyboard.moc"
