// Issue 16, windows and keyboard: a geometry saved on a bigger screen is fitted to this one,
// a focused button keeps Space and takes Enter, one status message at a time, the title
// names the page once, long tooltips wrap, View > Theme is applied and remembered. On real
// lab pipes (offscreen).
#include "testsupport.h"

#include "cachedtextdelegate.h"
#include "mainwindow.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "theme.h"
#include "tooltipwrap.h"
#include "writerpanel.h"

#include <pipescope/lab.h>
#include <pipescope/labpipe.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QToolTip>

#include <csignal>
#include <memory>

using namespace PipeScope;
using namespace PipeScope::Ui;
using PipeScope::Test::waitForConnectionMade;

class TestWindows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void savedGeometryFromABiggerScreenIsFitted();
    void focusedButtonKeepsSpace();
    void enterPressesTheFocusedButton();
    void oneStatusMessageAtATime();
    void titleNamesThePageOnce();
    void longToolTipsWrap();
    void themeIsAppliedAndRemembered();
    void longCellTextIsElidedAsQtDoes_data();
    void longCellTextIsElidedAsQtDoes();

private:
    std::unique_ptr<MainWindow> shownWindow();
    LabPipe *connectedPipe(MainWindow &window);
};

void TestWindows::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QSettings().remove(QStringLiteral("MainWindow")); // what an earlier run left there
    std::signal(SIGPIPE, SIG_DFL);
    QApplication::setApplicationDisplayName(QStringLiteral("PipeScope"));
}

std::unique_ptr<MainWindow> TestWindows::shownWindow()
{
    auto window = std::make_unique<MainWindow>();
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        qFatal("window not exposed");
    window->activateWindow();
    if (!QTest::qWaitForWindowActive(window.get()))
        qFatal("window not active");
    return window;
}

LabPipe *TestWindows::connectedPipe(MainWindow &window)
{
    LabPipe *pipe = window.newAnonymousPipe();
    if (!pipe)
        return nullptr;
    // connectionMade is queued: wait for both, so the test's own actions come after them.
    return waitForConnectionMade({ pipe->reader(), pipe->writer() }) ? pipe : nullptr;
}

void TestWindows::savedGeometryFromABiggerScreenIsFitted()
{
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    {
        MainWindow big;
        big.show();
        QVERIFY(QTest::qWaitForWindowExposed(&big));
        // As if saved on a screen twice as large, in its lower right corner.
        big.setGeometry(QRect(available.topLeft() + QPoint(available.width(), available.height()) * 3 / 4,
                              available.size() * 2));
        QVERIFY(big.close()); // saves the geometry
    }
    auto window = shownWindow();
    const QRect frame = window->frameGeometry();
    QVERIFY2(available.contains(frame),
             qPrintable(QStringLiteral("window %1,%2 %3x%4 on a screen %5,%6 %7x%8")
                                .arg(frame.x()).arg(frame.y()).arg(frame.width()).arg(frame.height())
                                .arg(available.x()).arg(available.y()).arg(available.width())
                                .arg(available.height())));
    window->resize(700, 500);
    QVERIFY(window->close());
}

void TestWindows::focusedButtonKeepsSpace()
{
    auto window = shownWindow();
    LabPipe *pipe = connectedPipe(*window);
    QVERIFY(pipe);
    QTRY_COMPARE(window->selectedPipe(), pipe);
    // Space on the focused "Close" button of the writer closes the writer; the window-wide
    // Pause shortcut does not take it.
    QPushButton *close = window->inspector()->writerPanel()->closeButton();
    close->setFocus();
    QVERIFY(close->hasFocus());
    QTest::keyClick(close, Qt::Key_Space);
    QVERIFY(!pipe->isPausedByUser());
    QTRY_VERIFY(!pipe->writer()->isOpen());
    // Elsewhere Space still pauses the lab's pipe.
    QTest::keyClick(window.get(), Qt::Key_Space);
    QVERIFY(pipe->isPausedByUser());
}

void TestWindows::enterPressesTheFocusedButton()
{
    auto window = shownWindow();
    LabPipe *pipe = connectedPipe(*window);
    QVERIFY(pipe);
    QTRY_COMPARE(window->selectedPipe(), pipe);
    QPushButton *abort = window->inspector()->readerPanel()->abortButton();
    QSignalSpy clicked(abort, &QPushButton::clicked);
    QVERIFY(clicked.isValid());
    abort->setFocus();
    QTest::keyClick(abort, Qt::Key_Return);
    QTRY_COMPARE(clicked.size(), 1);
    QTRY_VERIFY(!pipe->reader()->isOpen());
}

void TestWindows::oneStatusMessageAtATime()
{
    auto window = shownWindow();
    LabPipe *pipe = connectedPipe(*window);
    QVERIFY(pipe);
    pipe->pauseReading();
    pipe->writer()->write(QByteArray(300000, 'x')); // more than the pipe and the high-water mark
    QTRY_VERIFY(window->warningText().contains(QStringLiteral("writer blocked")));
    QCOMPARE(window->statusLine(), window->warningText());
    window->showError(QStringLiteral("Set capacity: F_SETPIPE_SZ 1: Invalid argument"));
    // The error stands in front of the warning, in the same place: nothing drawn over it.
    QCOMPARE(window->statusLine(), QStringLiteral("✖ Set capacity: F_SETPIPE_SZ 1: Invalid argument"));
    QVERIFY(window->statusBar()->currentMessage().isEmpty());
    QTest::qWait(3 * window->refreshInterval());
    QVERIFY(window->statusLine().startsWith(QStringLiteral("✖ Set capacity")));
    QVERIFY(window->warningText().contains(QStringLiteral("writer blocked")));
}

void TestWindows::titleNamesThePageOnce()
{
    auto window = shownWindow();
    window->addPage(new QWidget, QStringLiteral("Lessons"));
    QCOMPARE(window->windowTitle(), QStringLiteral("Pipe Lab"));
    QVERIFY(!window->windowTitle().contains(QApplication::applicationDisplayName()));
    window->pages()->setCurrentIndex(1);
    QCOMPARE(window->windowTitle(), QStringLiteral("Lessons"));
}

void TestWindows::longToolTipsWrap()
{
    const QString longTip = QStringLiteral("Close both ends and remove this pipe from the lab (a child "
                                           "process is ended with it) <and> more.");
    const QString shown = ToolTipWrap::wrapped(longTip);
    QVERIFY(Qt::mightBeRichText(shown));
    QVERIFY(shown.contains(QStringLiteral("&lt;and&gt;")));
    QCOMPARE(ToolTipWrap::wrapped(QStringLiteral("Dismiss")), QStringLiteral("Dismiss"));

    auto window = shownWindow();
    QPushButton *button = window->inspector()->writerPanel()->closeButton();
    button->setToolTip(longTip.repeated(4));
    QHelpEvent help(QEvent::ToolTip, QPoint(5, 5), button->mapToGlobal(QPoint(5, 5)));
    QApplication::sendEvent(button, &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(Qt::mightBeRichText(QToolTip::text()));
    const QWidget *tip = nullptr;
    for (const QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->inherits("QTipLabel") && widget->isVisible())
            tip = widget;
    }
    QVERIFY(tip);
    QVERIFY2(tip->width() < 700, qPrintable(QString::number(tip->width())));
    QToolTip::hideText();
}

void TestWindows::themeIsAppliedAndRemembered()
{
    const QColor systemWindow = QApplication::palette().color(QPalette::Window);
    {
        auto window = shownWindow();
        auto *dark = window->findChild<QAction *>(QStringLiteral("theme-dark"));
        QVERIFY(dark && dark->isCheckable());
        dark->trigger();
        QCOMPARE(Theme::current(), Theme::Kind::Dark);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        QTRY_VERIFY2(window->palette().color(QPalette::WindowText).lightness() > 180,
                 qPrintable(window->palette().color(QPalette::WindowText).name() + u' '
                            + QApplication::palette().color(QPalette::WindowText).name()));
        QVERIFY(window->close());
    }
    Theme::apply(Theme::Kind::System);
    QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
    {
        auto window = shownWindow(); // the saved choice comes back
        QCOMPARE(Theme::current(), Theme::Kind::Dark);
        QVERIFY(window->findChild<QAction *>(QStringLiteral("theme-dark"))->isChecked());
        auto *contrast = window->findChild<QAction *>(QStringLiteral("theme-high-contrast"));
        contrast->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Window), QColor(Qt::black));
        QCOMPARE(QApplication::palette().color(QPalette::WindowText), QColor(Qt::white));
        window->findChild<QAction *>(QStringLiteral("theme-system"))->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
        QVERIFY(window->close());
    }
}

namespace {

QImage paintCell(const QStyledItemDelegate &delegate, const QString &text)
{
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), text);
    QStyleOptionViewItem option;
    option.rect = QRect(0, 0, 220, 22);
    option.state = QStyle::State_Enabled | QStyle::State_Active;
    option.textElideMode = Qt::ElideRight;
    option.font = QApplication::font();
    option.fontMetrics = QFontMetrics(option.font);
    QImage image(option.rect.size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    delegate.paint(&painter, option, model.index(0, 0));
    return image;
}

} // namespace

void TestWindows::longCellTextIsElidedAsQtDoes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("asQtShows"); // what QStyledItemDelegate is given to compare
    const QString name = QStringLiteral("a-pipe-name-");
    QTest::newRow("a little too wide") << name.repeated(5) << name.repeated(5);
    QTest::newRow("300 characters") << name.repeated(25) << name.repeated(25);
    // A hostile lab's 10 MB name: drawn as Qt draws its first 300 characters (which Qt itself
    // would take a minute to lay out in full).
    QTest::newRow("10 MB") << name.repeated(10 * 1024 * 1024 / name.size()) << name.repeated(25);
}

void TestWindows::longCellTextIsElidedAsQtDoes()
{
    QFETCH(QString, text);
    QFETCH(QString, asQtShows);
    CachedTextDelegate cached;
    QStyledItemDelegate qt;
    const QImage ours = paintCell(cached, text);
    const QImage expected = paintCell(qt, asQtShows);
    QVERIFY(ours == expected);
    QVERIFY(ours != paintCell(qt, QString())); // something was drawn
}

QTEST_MAIN(TestWindows)
#include "tst_ui_windows.moc"
