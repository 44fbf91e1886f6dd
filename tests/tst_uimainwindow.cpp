// The Pipe Lab window driven like a user: clicks and keys on real pipes (offscreen).
#include "testsupport.h"

#include "datapanel.h"
#include "endpointsmodel.h"
#include "endpointspanel.h"
#include "eventlogmodel.h"
#include "hexview.h"
#include "kernelbuffergauge.h"
#include "kernelpanel.h"
#include "livelabel.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "childdialog.h"
#include "childinfo.h"
#include "statebadge.h"
#include "timelinefiltermodel.h"
#include "timelinepanel.h"
#include "writebuffergauge.h"
#include "writerpanel.h"

#include <pipescope/lab.h>
#include <pipescope/labgenerator.h>
#include <pipescope/labpipe.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QTimer>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QDockWidget>
#include <QTest>
#include <QToolBar>

#include <csignal>
#include <QTreeView>

#include <memory>
#include <vector>

using namespace PipeScope;
using namespace PipeScope::Ui;
using PipeScope::Test::waitForConnectionMade;

class TestUiMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void sendShowsBytesInDataViewAndCounters();
    void pauseFillsKernelGaugeToFionread();
    void pausedGeneratorFillsKernelThenTransport();
    void closingReaderShowsEpipe();
    void timelineListsSignalsInOrder();
    void invalidInputShowsError_data();
    void invalidInputShowsError();
    void capacityRefusalIsShown();
    void spaceTogglesPause();
    void fifoWriterWaitsForReader();
    void childProcessStateIsShown();
    void childStderrFromTheDialogIsALabPipe();
    void endpointsFilter();
    void issue16FilteredPipeLeavesTheInspector();
    void saveAndOpenLab();
    void badLabFileStartsEmpty();
    void settingsAreRemembered();
    void labDocksOnlyOnTheLabPage();

private:
    MainWindow *newWindow();
    LabPipe *newPipe();
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestUiMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, and
    // the transports must make a reader that went away an EPIPE, not a dead process.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestUiMainWindow::init()
{
    newWindow();
}

void TestUiMainWindow::cleanup()
{
    m_testers.clear();
    m_window.reset();
}

MainWindow *TestUiMainWindow::newWindow()
{
    m_testers.clear();
    m_window = std::make_unique<MainWindow>();
    MainWindow *w = m_window.get();
    w->setRefreshInterval(20);
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    for (QAbstractItemModel *model :
         std::initializer_list<QAbstractItemModel *>{ w->endpointsModel(), w->endpointsPanel()->proxy(),
                                                      w->timelinePanel()->model(), w->timelinePanel()->proxy() })
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(model, Mode::QtTest));
    w->show();
    if (!QTest::qWaitForWindowExposed(w))
        qFatal("window not exposed");
    return w;
}

LabPipe *TestUiMainWindow::newPipe()
{
    LabPipe *pipe = m_window->newAnonymousPipe();
    if (!pipe)
        return nullptr;
    // connectionMade is queued: wait for both, so the test's own actions come after them.
    return waitForConnectionMade({ pipe->reader(), pipe->writer() }) ? pipe : nullptr;
}

void TestUiMainWindow::sendShowsBytesInDataViewAndCounters()
{
    LabPipe *pipe = newPipe();
    QVERIFY(pipe);
    QCOMPARE(m_window->selectedPipe(), pipe);
    WriterPanel *writer = m_window->inspector()->writerPanel();
    QTest::keyClicks(writer->sendEdit(), QStringLiteral("hello"));
    QTest::mouseClick(writer->sendButton(), Qt::LeftButton);
    QCOMPARE(writer->sendEdit()->text(), QString());
    HexView *hex = m_window->dataPanel()->hexView();
    QTRY_COMPARE(hex->received(), QByteArray("hello\n"));
    QVERIFY2(hex->lineText(0).contains(QStringLiteral("68 65 6c 6c 6f 0a")), qPrintable(hex->lineText(0)));
    QVERIFY2(hex->lineText(0).contains(QStringLiteral("|hello·")), qPrintable(hex->lineText(0)));
    QTRY_VERIFY(m_window->inspector()->readerPanel()->numbersLabel()->text().startsWith(QStringLiteral("6 B read")));
    QVERIFY(writer->numbersLabel()->text().contains(QStringLiteral("6 B written")));
    QCOMPARE(m_window->inspector()->kernelPanel()->gauge()->queued(), qint64(0));
}

void TestUiMainWindow::pauseFillsKernelGaugeToFionread()
{
    LabPipe *pipe = newPipe();
    ReaderPanel *reader = m_window->inspector()->readerPanel();
    QCOMPARE(reader->stateBadge()->word(), QStringLiteral("reading"));
    QTest::mouseClick(reader->pauseButton(), Qt::LeftButton);
    QCOMPARE(reader->pauseButton()->text(), QStringLiteral("Resume reading"));
    QTRY_COMPARE(reader->stateBadge()->word(), QStringLiteral("paused"));
    QVERIFY(!pipe->reader()->isReading());

    WriterPanel *writer = m_window->inspector()->writerPanel();
    writer->sendEdit()->setText(QString(5000, u'x'));
    writer->newlineBox()->setChecked(false); // no newline: exactly 5000 bytes
    QTest::mouseClick(writer->sendButton(), Qt::LeftButton);
    KernelBufferGauge *gauge = m_window->inspector()->kernelPanel()->gauge();
    QTRY_COMPARE(gauge->queued(), qint64(5000));
    QCOMPARE(Test::queued(pipe->reader()->fd()), 5000);
    QCOMPARE(gauge->capacity(), qint64(65536));
    QCOMPARE(gauge->usedSlots(), 2);
    QCOMPARE(gauge->slotCount(), 16);
    QVERIFY(m_window->inspector()->kernelPanel()->numbersLabel()->text().startsWith(QStringLiteral("4.9 KiB of 64 KiB (7.6 %)")));
    QCOMPARE(pipe->bytesRead(), quint64(0));
    // The data view peeks at what is queued without taking it.
    HexView *hex = m_window->dataPanel()->hexView();
    QTRY_COMPARE(hex->peek(), QByteArray(1024, 'x'));
    QVERIFY(hex->isPeekLine(hex->lineCount() - 1));

    QTest::mouseClick(reader->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE(gauge->queued(), qint64(0));
    QTRY_COMPARE(reader->stateBadge()->word(), QStringLiteral("reading"));
    QCOMPARE(pipe->bytesRead(), quint64(5000));
}

void TestUiMainWindow::pausedGeneratorFillsKernelThenTransport()
{
    LabPipe *pipe = newPipe();
    QTest::mouseClick(m_window->inspector()->readerPanel()->pauseButton(), Qt::LeftButton);
    WriterPanel *writer = m_window->inspector()->writerPanel();
    writer->rateBox()->setValue(0); // unlimited
    QTest::mouseClick(writer->generatorButton(), Qt::LeftButton);
    QTRY_COMPARE(writer->stateBadge()->word(), QStringLiteral("writing paused"));
    QTRY_COMPARE(m_window->inspector()->kernelPanel()->gauge()->queued(), qint64(65536));
    QVERIFY(writer->bufferGauge()->size() > writer->bufferGauge()->highWater());
    QTRY_VERIFY(m_window->warningText().contains(QStringLiteral("writer blocked")));
    QVERIFY(m_window->inspector()->kernelPanel()->warningLabel()->text().contains(QStringLiteral("high-water")));
    QTest::mouseClick(writer->generatorButton(), Qt::LeftButton);
    QCOMPARE(writer->generatorButton()->text(), QStringLiteral("Start"));
    const quint64 generated = pipe->generator()->bytesGenerated();
    QTest::keyClick(m_window.get(), Qt::Key_Space);
    QTRY_COMPARE(pipe->bytesRead(), generated);
    QTRY_COMPARE(writer->bufferGauge()->size(), qint64(0));
    QTRY_COMPARE(writer->stateBadge()->word(), QStringLiteral("writing"));
    QTRY_COMPARE(m_window->warningText(), QString());
}

void TestUiMainWindow::closingReaderShowsEpipe()
{
    LabPipe *pipe = newPipe();
    QTest::mouseClick(m_window->inspector()->readerPanel()->closeButton(), Qt::LeftButton);
    QTRY_COMPARE(m_window->inspector()->readerPanel()->stateBadge()->word(), QStringLiteral("closed"));
    WriterPanel *writer = m_window->inspector()->writerPanel();
    QTest::keyClicks(writer->sendEdit(), QStringLiteral("anyone there?"));
    QTest::keyClick(writer->sendEdit(), Qt::Key_Return);
    QTRY_COMPARE(writer->stateBadge()->word(), QStringLiteral("broken (EPIPE)"));
    QVERIFY(writer->stateBadge()->text().contains(QStringLiteral("EPIPE (Broken pipe)")));
    QVERIFY(!writer->sendButton()->isEnabled());
    const QModelIndex pipeRow = m_window->endpointsModel()->indexOfPipe(pipe->id());
    const QModelIndex writerState = m_window->endpointsModel()->index(0, EndpointsModel::StateColumn, pipeRow);
    QTRY_COMPARE(writerState.data().toString(), QStringLiteral("broken (EPIPE)"));
    QVERIFY(!writerState.data(Qt::DecorationRole).isNull());
}

void TestUiMainWindow::timelineListsSignalsInOrder()
{
    LabPipe *pipe = newPipe();
    pipe->send("abc");
    QTRY_COMPARE(pipe->bytesRead(), quint64(3));
    ReaderPanel *reader = m_window->inspector()->readerPanel();
    QTest::mouseClick(reader->pauseButton(), Qt::LeftButton);
    QTest::mouseClick(reader->pauseButton(), Qt::LeftButton);
    QTest::mouseClick(reader->closeButton(), Qt::LeftButton);
    QTRY_COMPARE(pipe->readerState(), LabPipe::ReaderState::Closed);
    // The reader's end is opened first (Openers::openAnonymousPipe), so its connectionMade
    // comes first; the writer learns of the lost reader last (EPIPE from POLLERR).
    const QStringList expected = { QStringLiteral("reader connectionMade"), QStringLiteral("writer connectionMade"),
                                   QStringLiteral("writer write"), QStringLiteral("reader dataReceived"),
                                   QStringLiteral("reader readingPaused"), QStringLiteral("reader readingResumed"),
                                   QStringLiteral("reader connectionLost"), QStringLiteral("writer connectionLost") };
    EventLogModel *model = m_window->timelinePanel()->model();
    QStringList seen;
    const bool matched = QTest::qWaitFor([&] {
        seen.clear();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->event(row).pipeId == pipe->id())
                seen << model->event(row).end + u' ' + model->event(row).event;
        }
        return seen == expected;
    }, 5000);
    QCOMPARE(seen.join(u','), expected.join(u','));
    QVERIFY(matched);
    // Filtering keeps the order and drops the rest.
    m_window->timelinePanel()->filterEdit()->setText(QStringLiteral("reading"));
    QCOMPARE(m_window->timelinePanel()->proxy()->rowCount(), 2);
    QCOMPARE(m_window->timelinePanel()->proxy()->index(0, EventLogModel::EventColumn).data().toString(),
             QStringLiteral("readingPaused"));
    QTemporaryDir dir;
    Error error;
    const QString csv = dir.filePath(QStringLiteral("t.csv"));
    QVERIFY2(m_window->timelinePanel()->exportTo(csv, true, &error), qPrintable(error.message()));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.indexOf("readingPaused") < text.indexOf("readingResumed"));
}

void TestUiMainWindow::invalidInputShowsError_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("invalid hex") << int(WriterPanel::SendMode::Hex) << QStringLiteral("48 zz") << QStringLiteral("invalid hex \"zz\"");
    QTest::newRow("unreadable file") << int(WriterPanel::SendMode::File) << QStringLiteral("/nonexistent/input.bin")
                                     << QStringLiteral("/nonexistent/input.bin");
    QTest::newRow("directory as file") << int(WriterPanel::SendMode::File) << QStringLiteral("/tmp")
                                       << QStringLiteral("not a regular file");
    QTest::newRow("missing command") << -1 << QStringLiteral("no-such-command-xyz") << QStringLiteral("cannot run no-such-command-xyz");
    QTest::newRow("not a fifo") << -2 << QStringLiteral("/etc/hostname") << QStringLiteral("not a FIFO");
}

void TestUiMainWindow::invalidInputShowsError()
{
    QFETCH(int, mode);
    QFETCH(QString, input);
    QFETCH(QString, errorPart);
    LabPipe *pipe = newPipe();
    const int pipes = m_window->lab()->pipes().size();
    if (mode == -1) {
        QVERIFY(!m_window->newChild(input));
    } else if (mode == -2) {
        QVERIFY(!m_window->newFifo(input, true));
    } else {
        WriterPanel *writer = m_window->inspector()->writerPanel();
        writer->sendModeBox()->setCurrentIndex(mode);
        writer->sendEdit()->setText(input);
        QTest::mouseClick(writer->sendButton(), Qt::LeftButton);
        QCOMPARE(writer->sendEdit()->text(), input); // kept, so it can be corrected
    }
    QVERIFY2(m_window->messageBar()->text().contains(errorPart), qPrintable(m_window->messageBar()->text()));
    QCOMPARE(m_window->lab()->pipes().size(), pipes);
    QCOMPARE(pipe->bytesWritten(), qint64(0));
}

void TestUiMainWindow::capacityRefusalIsShown()
{
    LabPipe *pipe = newPipe();
    KernelPanel *kernel = m_window->inspector()->kernelPanel();
    kernel->capacityBox()->setValue(100000);
    QTest::mouseClick(kernel->setCapacityButton(), Qt::LeftButton);
    QVERIFY2(kernel->capacityAnswer()->text().contains(QStringLiteral("131072")), qPrintable(kernel->capacityAnswer()->text()));
    QCOMPARE(kernel->capacityBox()->value(), 131072);
    QTRY_COMPARE(kernel->gauge()->capacity(), qint64(131072));
    // Shrinking below what is queued is refused (EBUSY), and the answer says so.
    QTest::mouseClick(m_window->inspector()->readerPanel()->pauseButton(), Qt::LeftButton);
    pipe->send(QByteArray(3 * 4096, 'q'));
    QTRY_COMPARE(kernel->gauge()->queued(), qint64(3 * 4096));
    kernel->capacityBox()->setValue(4096);
    QTest::mouseClick(kernel->setCapacityButton(), Qt::LeftButton);
    QVERIFY2(kernel->capacityAnswer()->text().contains(QStringLiteral("refused")), qPrintable(kernel->capacityAnswer()->text()));
    QVERIFY(m_window->messageBar()->text().contains(QStringLiteral("F_SETPIPE_SZ 4096")));
    QCOMPARE(kernel->gauge()->capacity(), qint64(131072));
}

void TestUiMainWindow::spaceTogglesPause()
{
    LabPipe *pipe = newPipe();
    // Focus on the page itself (its scroll area), which does nothing with Space: it pauses.
    // (A focused list, button or text field keeps Space: tst_ui_keyboard.)
    QWidget *page = m_window->pages()->currentWidget();
    page->setFocus();
    QTest::keyClick(page, Qt::Key_Space);
    QVERIFY(pipe->isPausedByUser());
    QTRY_COMPARE(m_window->inspector()->readerPanel()->stateBadge()->word(), QStringLiteral("paused"));
    QTest::keyClick(m_window.get(), Qt::Key_Space);
    QVERIFY(!pipe->isPausedByUser());
    QTRY_COMPARE(m_window->inspector()->readerPanel()->stateBadge()->word(), QStringLiteral("reading"));
    // In a text field Space is a space, not Pause.
    QLineEdit *edit = m_window->inspector()->writerPanel()->sendEdit();
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_Space);
    QCOMPARE(edit->text(), QStringLiteral(" "));
    QVERIFY(!pipe->isPausedByUser());
    // F8 pauses and resumes whatever has the focus.
    QTest::keyClick(edit, Qt::Key_F8);
    QVERIFY(pipe->isPausedByUser());
    QTest::keyClick(edit, Qt::Key_F8);
    QVERIFY(!pipe->isPausedByUser());
    QCOMPARE(edit->text(), QStringLiteral(" "));
    // On another page Space presses that page's focused button, and leaves the pipe alone.
    auto *other = new QPushButton(QStringLiteral("Run step"));
    m_window->addPage(other, QStringLiteral("Other"));
    m_window->pages()->setCurrentWidget(other);
    other->setFocus();
    QSignalSpy clicked(other, &QPushButton::clicked);
    QTest::keyClick(other, Qt::Key_Space);
    QCOMPARE(clicked.size(), 1);
    QVERIFY(!pipe->isPausedByUser());
    m_window->pages()->setCurrentIndex(0);
    QTest::keyClick(m_window.get(), Qt::Key_Space);
    QVERIFY(pipe->isPausedByUser());
}

void TestUiMainWindow::fifoWriterWaitsForReader()
{
    QTemporaryDir dir;
    LabPipe *pipe = m_window->newFifo(dir.filePath(QStringLiteral("w.fifo")), false);
    QVERIFY(pipe);
    QCOMPARE(m_window->selectedPipe(), pipe);
    WriterPanel *writer = m_window->inspector()->writerPanel();
    ReaderPanel *reader = m_window->inspector()->readerPanel();
    QTRY_COMPARE(writer->stateBadge()->word(), QStringLiteral("waiting for a reader"));
    QCOMPARE(reader->stateBadge()->word(), QStringLiteral("no reader"));
    QVERIFY(reader->openReaderButton()->isVisible());
    QTRY_VERIFY(m_window->warningText().contains(QStringLiteral("waits for a reader")));
    QTest::mouseClick(reader->openReaderButton(), Qt::LeftButton);
    QTRY_COMPARE(writer->stateBadge()->word(), QStringLiteral("writing"));
    QTRY_COMPARE(reader->stateBadge()->word(), QStringLiteral("reading"));
    QVERIFY(!reader->openReaderButton()->isVisible());
}

void TestUiMainWindow::childProcessStateIsShown()
{
    QVERIFY(m_window->newChild(QStringLiteral("cat")));
    QCOMPARE(m_window->lab()->pipes().size(), 2);
    LabPipe *out = m_window->selectedPipe();
    QVERIFY(out);
    QCOMPARE(out->kind(), LabPipe::Kind::ChildStdout);
    // The write end is cat's: the writer column shows cat, blocked reading its empty stdin.
    ChildInfo *info = m_window->inspector()->writerPanel()->findChild<ChildInfo *>();
    QVERIFY(info);
    QTRY_VERIFY_WITH_TIMEOUT(info->stateText().contains(QStringLiteral("blocked reading")), 5000);
    QVERIFY(!m_window->inspector()->writerPanel()->controls()->isVisibleTo(m_window.get()));
    LabPipe *in = m_window->lab()->pipes().constFirst();
    in->send("via cat\n");
    QTRY_COMPARE(out->receivedTail(), QByteArray("via cat\n"));
    m_window->selectPipe(in->id());
    QCOMPARE(m_window->inspector()->readerPanel()->childInfo()->isVisibleTo(m_window.get()), true);
}

void TestUiMainWindow::childStderrFromTheDialogIsALabPipe()
{
    // Pipe > New child process > Other command...: the dialog's default sends stderr to a
    // third lab pipe, where gzip's complaint about its input shows up.
    QAction *other = nullptr;
    for (QAction *action : m_window->findChildren<QAction *>()) {
        if (action->text() == u"Other command…")
            other = action;
    }
    QVERIFY(other);
    bool sawDialog = false;
    QTimer::singleShot(0, m_window.get(), [&] {
        auto *dialog = qobject_cast<ChildDialog *>(QApplication::activeModalWidget());
        sawDialog = dialog != nullptr;
        if (!dialog)
            return;
        QCOMPARE(dialog->stderrMode(), ChildProcess::Stream::Pipe);
        dialog->findChild<QComboBox *>()->setEditText(QStringLiteral("gzip -d"));
        dialog->accept();
    });
    other->trigger();
    QVERIFY(sawDialog);
    QCOMPARE(m_window->lab()->pipes().size(), 3);
    LabPipe *in = m_window->lab()->pipes().at(0);
    LabPipe *err = m_window->lab()->pipes().at(2);
    QCOMPARE(err->kind(), LabPipe::Kind::ChildStderr);
    QCOMPARE(err->name(), QStringLiteral("gzip stderr"));
    in->send("not gzip data\n");
    in->writeEof();
    QTRY_VERIFY(err->receivedTail().contains("not in gzip format"));
    m_window->selectPipe(err->id());
    ChildInfo *info = m_window->inspector()->writerPanel()->findChild<ChildInfo *>();
    QVERIFY(info);
    QTRY_VERIFY(info->findChild<QLabel *>() != nullptr);
    bool saysStderr = false;
    for (const QLabel *label : info->findChildren<QLabel *>())
        saysStderr = saysStderr || label->text().contains(QStringLiteral("(it is its stderr)"));
    QVERIFY(saysStderr);
}

void TestUiMainWindow::endpointsFilter()
{
    newPipe();
    newPipe();
    QCOMPARE(m_window->endpointsPanel()->proxy()->rowCount(), 2);
    QTest::keyClicks(m_window->endpointsPanel()->filterEdit(), QStringLiteral("pipe 2"));
    QCOMPARE(m_window->endpointsPanel()->proxy()->rowCount(), 1);
    QCOMPARE(m_window->endpointsPanel()->proxy()->index(0, 0).data().toString(), QStringLiteral("pipe 2"));
    m_window->endpointsPanel()->filterEdit()->setText(QStringLiteral("paused"));
    QCOMPARE(m_window->endpointsPanel()->proxy()->rowCount(), 0);
}

void TestUiMainWindow::issue16FilteredPipeLeavesTheInspector()
{
    // The selection goes with its row: not to a neighbour, and not left in the inspector.
    LabPipe *first = newPipe();
    LabPipe *second = newPipe();
    EndpointsPanel *panel = m_window->endpointsPanel();
    m_window->selectPipe(first->id());
    QCOMPARE(m_window->selectedPipe(), first);
    panel->filterEdit()->setText(QStringLiteral("pipe 2"));
    QCOMPARE(panel->proxy()->rowCount(), 1);
    QCOMPARE(panel->selectedPipe(), -1);
    QCOMPARE(m_window->selectedPipe(), nullptr);

    // An end of a pipe is current, and its pipe is filtered out.
    panel->filterEdit()->clear();
    const QModelIndex pipeRow = panel->proxy()->mapFromSource(m_window->endpointsModel()->indexOfPipe(second->id()));
    QVERIFY(panel->proxy()->rowCount(pipeRow) > 0);
    panel->view()->setCurrentIndex(panel->proxy()->index(0, 0, pipeRow));
    QCOMPARE(m_window->selectedPipe(), second);
    panel->filterEdit()->setText(QStringLiteral("pipe 1"));
    QCOMPARE(panel->proxy()->rowCount(), 1);
    QCOMPARE(panel->selectedPipe(), -1);
    QCOMPARE(m_window->selectedPipe(), nullptr);
}

void TestUiMainWindow::saveAndOpenLab()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lab.json"));
    LabPipe *pipe = newPipe();
    pipe->generator()->setRate(2048);
    pipe->generator()->start();
    QVERIFY(m_window->newChild(QStringLiteral("cat")));
    QVERIFY(m_window->saveLab(path));
    MainWindow *w = newWindow();
    w->setTrustLabCommands(true); // the lab runs cat; ChildApproval is tested in tst_labtrust
    QVERIFY(w->openLab(path));
    QCOMPARE(w->windowFilePath(), path);
    QTRY_COMPARE(w->endpointsModel()->rowCount(), 3);
    QCOMPARE(w->endpointsModel()->index(0, 0).data().toString(), QStringLiteral("pipe 1"));
    QCOMPARE(w->endpointsModel()->index(1, 0).data().toString(), QStringLiteral("cat stdin"));
    QVERIFY(w->lab()->pipes().constFirst()->generator()->isRunning());
    QCOMPARE(w->messageBar()->text(), QString());
}

void TestUiMainWindow::badLabFileStartsEmpty()
{
    QVERIFY(!m_window->openLab(QStringLiteral("/nonexistent/lab.json")));
    QVERIFY(m_window->messageBar()->text().contains(QStringLiteral("/nonexistent/lab.json")));
    QCOMPARE(m_window->endpointsModel()->rowCount(), 0);
    QCOMPARE(m_window->selectedPipe(), nullptr);
}

void TestUiMainWindow::settingsAreRemembered()
{
    m_window->dataPanel()->peekBox()->setChecked(false);
    m_window->timelinePanel()->selectedOnlyBox()->setChecked(true);
    m_window->resize(701, 502); // within the offscreen screen: a larger one is fitted to it
    QVERIFY(m_window->close()); // saves
    MainWindow *w = newWindow();
    QVERIFY(!w->dataPanel()->peekBox()->isChecked());
    QVERIFY(w->timelinePanel()->selectedOnlyBox()->isChecked());
    QCOMPARE(w->size(), QSize(701, 502));
    w->dataPanel()->peekBox()->setChecked(true);
    w->timelinePanel()->selectedOnlyBox()->setChecked(false);
    w->resize(1400, 900);
    QVERIFY(w->close());
}

void TestUiMainWindow::labDocksOnlyOnTheLabPage()
{
    m_window->addPage(new QWidget, QStringLiteral("Other"));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    const auto dock = [this](const char *name) {
        return m_window->findChild<QDockWidget *>(QString::fromLatin1(name));
    };
    QDockWidget *endpoints = dock("endpointsDock"), *data = dock("dataDock"), *timeline = dock("timelineDock");
    QVERIFY(endpoints && data && timeline);
    QToolBar *toolBar = m_window->findChild<QToolBar *>(QStringLiteral("labToolBar"));
    QVERIFY(toolBar && toolBar->isVisible());
    data->close(); // the user's choice on the Lab page
    m_window->pages()->setCurrentIndex(1);
    QVERIFY(!endpoints->isVisible() && !data->isVisible() && !timeline->isVisible());
    QVERIFY(!toolBar->isVisible());
    m_window->pages()->setCurrentIndex(0);
    QVERIFY(toolBar->isVisible());
    m_window->pages()->setCurrentIndex(1);
    // Closing on another page saves the Lab page's layout.
    QVERIFY(m_window->close());
    MainWindow *w = newWindow();
    w->addPage(new QWidget, QStringLiteral("Other"));
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    endpoints = dock("endpointsDock"), data = dock("dataDock"), timeline = dock("timelineDock");
    QVERIFY(endpoints->isVisible() && !data->isVisible() && timeline->isVisible());
    w->pages()->setCurrentIndex(1);
    QVERIFY(!endpoints->isVisible() && !timeline->isVisible());
    w->pages()->setCurrentIndex(0);
    QVERIFY(endpoints->isVisible() && !data->isVisible() && timeline->isVisible());
    data->show();
    QVERIFY(w->close());
}

QTEST_MAIN(TestUiMainWindow)
#include "tst_uimainwindow.moc"
