// The whole window in the three states the product is known by: bytes flowing, the reader
// paused with the kernel buffer full and the writer paused, and EPIPE after the reader left.
// Each state is asserted through what the widgets show. With PIPESCOPE_SCREENSHOT_DIR set, the
// window is also saved there as flowing.png, paused-full.png and epipe.png (docs/ holds them);
// PIPESCOPE_SCREENSHOT_DARK=1 uses a dark Fusion palette, to check the drawing follows it.
#include "endpointsmodel.h"
#include "endpointspanel.h"
#include "hexview.h"
#include "datapanel.h"
#include "kernelbuffergauge.h"
#include "kernelpanel.h"
#include "mainwindow.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "statebadge.h"
#include "writebuffergauge.h"
#include "writerpanel.h"
#include "childinfo.h"

#include <pipescope/lab.h>
#include <pipescope/labgenerator.h>
#include <pipescope/labpipe.h>
#include <pipescope/readpipetransport.h>

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTest>
#include <QTreeView>

#include <csignal>

using namespace PipeScope;
using namespace PipeScope::Ui;

class TestUiStates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void flowingThenPausedFullThenEpipe();
    void gzipStallsWhenItsOutputIsNotRead();

private:
    void save(QWidget *window, const QString &name);
    QString m_dir;
};

namespace {

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(37, 40, 44));
    p.setColor(QPalette::WindowText, QColor(224, 226, 228));
    p.setColor(QPalette::Base, QColor(27, 29, 32));
    p.setColor(QPalette::AlternateBase, QColor(44, 48, 54));
    p.setColor(QPalette::Text, QColor(224, 226, 228));
    p.setColor(QPalette::Button, QColor(48, 52, 58));
    p.setColor(QPalette::ButtonText, QColor(224, 226, 228));
    p.setColor(QPalette::Highlight, QColor(61, 142, 218));
    p.setColor(QPalette::HighlightedText, QColor(255, 255, 255));
    p.setColor(QPalette::Mid, QColor(80, 86, 94));
    p.setColor(QPalette::PlaceholderText, QColor(150, 155, 160));
    p.setColor(QPalette::ToolTipBase, QColor(48, 52, 58));
    p.setColor(QPalette::ToolTipText, QColor(224, 226, 228));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 124, 128));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 124, 128));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 124, 128));
    return p;
}

} // namespace

void TestUiStates::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    std::signal(SIGPIPE, SIG_DFL); // as a real program starts (Qt Test installs a handler)
    m_dir = qEnvironmentVariable("PIPESCOPE_SCREENSHOT_DIR");
    if (qEnvironmentVariableIntValue("PIPESCOPE_SCREENSHOT_DARK")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    }
}

void TestUiStates::save(QWidget *window, const QString &name)
{
    if (m_dir.isEmpty())
        return;
    QVERIFY(QDir().mkpath(m_dir));
    const QString path = QDir(m_dir).filePath(name);
    QVERIFY2(window->grab().save(path), qPrintable(path));
    qInfo("saved %s", qPrintable(path));
}

void TestUiStates::flowingThenPausedFullThenEpipe()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LabPipe *demo = window.lab()->addDemoPipe();
    QVERIFY(demo);
    QTRY_COMPARE(window.selectedPipe(), demo);
    PipeInspector *inspector = window.inspector();

    // Flowing: the reader keeps the kernel buffer nearly empty, bytes arrive in the data view.
    QTest::qWait(4000);
    QCOMPARE(inspector->writerPanel()->stateBadge()->word(), QStringLiteral("writing"));
    QCOMPARE(inspector->readerPanel()->stateBadge()->word(), QStringLiteral("reading"));
    QVERIFY(demo->bytesRead() > 30000);
    QTRY_VERIFY(window.dataPanel()->hexView()->received().contains("the quick brown fox"));
    QVERIFY(inspector->kernelPanel()->gauge()->queued() < 4096);
    QVERIFY(window.warningText().isEmpty());
    save(&window, QStringLiteral("flowing.png"));

    // Paused: the kernel fills to capacity, then the transport passes its high-water mark.
    QTest::mouseClick(inspector->readerPanel()->pauseButton(), Qt::LeftButton);
    demo->generator()->setRate(64 * 1024); // a quicker fill than the demo's 16 KiB/s
    QTRY_COMPARE_WITH_TIMEOUT(inspector->writerPanel()->stateBadge()->word(), QStringLiteral("writing paused"), 10000);
    QTRY_COMPARE(inspector->kernelPanel()->gauge()->queued(), qint64(65536));
    QCOMPARE(inspector->readerPanel()->stateBadge()->word(), QStringLiteral("paused"));
    QVERIFY(inspector->writerPanel()->bufferGauge()->size() > inspector->writerPanel()->bufferGauge()->highWater());
    QTRY_VERIFY(window.warningText().contains(QStringLiteral("writer blocked")));
    QTRY_VERIFY(window.dataPanel()->hexView()->peek().size() == DataPanel::PeekBytes);
    QTest::qWait(1500); // let the sparkline show the stall
    save(&window, QStringLiteral("paused-full.png"));

    // EPIPE: closing the paused reader leaves the writer without a reader.
    QTest::mouseClick(inspector->readerPanel()->closeButton(), Qt::LeftButton);
    QTRY_COMPARE(inspector->writerPanel()->stateBadge()->word(), QStringLiteral("broken (EPIPE)"));
    QCOMPARE(inspector->readerPanel()->stateBadge()->word(), QStringLiteral("closed"));
    QCOMPARE(inspector->kernelPanel()->gauge()->queued(), qint64(-1));
    window.endpointsPanel()->view()->setFocus();
    QTest::qWait(500);
    save(&window, QStringLiteral("epipe.png"));
}

void TestUiStates::gzipStallsWhenItsOutputIsNotRead()
{
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.newChild(QStringLiteral("gzip -c")));
    LabPipe *in = window.lab()->pipes().at(0);
    LabPipe *out = window.lab()->pipes().at(1);
    QCOMPARE(window.selectedPipe(), out);
    QTest::mouseClick(window.inspector()->readerPanel()->pauseButton(), Qt::LeftButton);
    // Incompressible input, so gzip's output fills the paused pipe and gzip blocks in write().
    in->generator()->setPattern(LabGenerator::Pattern::Random);
    in->generator()->setRate(256 * 1024);
    in->generator()->setChunkSize(4096);
    in->generator()->start();
    ChildInfo *gzip = window.inspector()->writerPanel()->findChild<ChildInfo *>();
    QVERIFY(gzip);
    QTRY_VERIFY_WITH_TIMEOUT(gzip->stateText().contains(QStringLiteral("blocked writing")), 10000);
    QTRY_COMPARE(window.inspector()->kernelPanel()->gauge()->queued(), qint64(65536));
    QTRY_VERIFY(window.dataPanel()->hexView()->peek().startsWith("\x1f\x8b")); // gzip's magic
    // Then its own input backs up: the stdin pipe fills and our writer pauses.
    QTRY_COMPARE_WITH_TIMEOUT(in->writerState(), LabPipe::WriterState::WritingPaused, 10000);
    QTest::qWait(1000);
    save(&window, QStringLiteral("child-gzip-blocked.png"));
    in->generator()->stop();
}

QTEST_MAIN(TestUiStates)
#include "tst_uistates.moc"
