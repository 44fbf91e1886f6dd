// The System page: its table model merges row by row (under QAbstractItemModelTester), the
// graph lays pipelines out left to right, and on real processes the page shows the pipe, its
// fill level and peek, follows a pid, and "Pause this reader" stops the reader with the
// effect visible (the writer blocks, the gauge fills).
#include "explorertestsupport.h"
#include "testsupport.h"

#include "endpointgraph.h"
#include "graphlayout.h"
#include "hexview.h"
#include "kernelbuffergauge.h"
#include "systempage.h"
#include "systempipesmodel.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>
#include <pipescope/sys.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QGraphicsRectItem>
#include <QGraphicsLineItem>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <sys/stat.h>

using namespace PipeScope;
using namespace PipeScope::Test;
using namespace PipeScope::Ui;

namespace {

PipeInfo pipeWith(quint64 inode, QList<PipeEndpoint> endpoints, qint64 queued = 0)
{
    PipeInfo pipe;
    pipe.key = { PipeKind::Pipe, 0, inode };
    pipe.endpoints = endpoints;
    pipe.queued = queued;
    pipe.capacity = 65536;
    return pipe;
}

SystemSnapshot snapshotOf(QList<PipeInfo> pipes)
{
    SystemSnapshot snapshot;
    snapshot.pipes = pipes;
    for (const PipeInfo &pipe : pipes) {
        for (qint64 pid : SnapshotFormat::participants(pipe)) {
            ProcessInfo process;
            process.pid = pid;
            process.comm = QStringLiteral("p%1").arg(pid);
            process.statKnown = true;
            process.runState = 'S';
            snapshot.processes.insert(pid, process);
        }
    }
    return snapshot;
}

PipeEndpoint end(qint64 pid, int fd, EndpointMode mode)
{
    return PipeEndpoint { pid, fd, mode, EndpointState::Sleeping, -1 };
}

QString key(quint64 inode)
{
    return QStringLiteral("pipe:%1").arg(inode);
}

/// The scene's lines and paths (edges), as "solid" / "dashed" and "line" / "path".
QStringList edgesOf(EndpointGraph *graph)
{
    QStringList edges;
    for (QGraphicsItem *item : graph->scene()->items(Qt::AscendingOrder)) {
        if (const auto *line = qgraphicsitem_cast<QGraphicsLineItem *>(item))
            edges << (line->pen().style() == Qt::DashLine ? QStringLiteral("dashed line") : QStringLiteral("solid line"));
        else if (const auto *path = qgraphicsitem_cast<QGraphicsPathItem *>(item))
            edges << (path->pen().style() == Qt::DashLine ? QStringLiteral("dashed path") : QStringLiteral("solid path"));
    }
    edges.sort();
    return edges;
}

} // namespace

namespace {

/// A scan now, and true once the page has shown it (scans run on the monitor's worker thread).
bool refreshed(SystemPage &page)
{
    QSignalSpy shown(&page, &SystemPage::snapshotShown);
    page.refreshNow();
    return shown.wait(10000);
}

/// Shows \a page at 1200x800 and waits for its first snapshot on screen.
bool shownAndRefreshed(SystemPage &page)
{
    page.resize(1200, 800);
    page.show();
    return QTest::qWaitForWindowExposed(&page) && refreshed(page);
}

/// Whether every row the proxy shows is a pipe \a pid holds, and pipe \a key among them.
bool showsOnlyPipesOf(const SystemPage &page, qint64 pid, const QString &key)
{
    for (int row = 0; row < page.proxy()->rowCount(); ++row) {
        const PipeInfo *pipe = page.model()->pipe(page.proxy()->index(row, 0).data(SystemPipesModel::KeyRole).toString());
        if (!pipe || !SnapshotFormat::participants(*pipe).contains(pid))
            return false;
    }
    return page.model()->rowOf(key) >= 0 && page.proxy()->mapFromSource(page.model()->index(page.model()->rowOf(key), 0)).isValid();
}

/// The keys of the table's rows, as the proxy shows them.
QStringList shownKeys(const SystemPage &page)
{
    QStringList keys;
    for (int row = 0; row < page.proxy()->rowCount(); ++row)
        keys << page.proxy()->index(row, 0).data(SystemPipesModel::KeyRole).toString();
    return keys;
}

/// Two pipes, each from a `sleep` writer to a `sleep` reader: four children, held until the
/// end. Their other stdio is /dev/null: each holds its one end and no pipe of ours (ctest's).
struct TwoPipes
{
    ChildProcesses children;
    Fd devNull { Sys::open("/dev/null", O_RDWR) };
    pid_t readers[2] = { -1, -1 };
    pid_t writers[2] = { -1, -1 };
    QString keys[2];

    bool start()
    {
        for (int i = 0; i < 2; ++i) {
            const auto [readEnd, writeEnd] = makePipe();
            const int null = devNull.get();
            readers[i] = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                        { { readEnd, 0 }, { null, 1 }, { null, 2 } });
            writers[i] = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") },
                                        { { null, 0 }, { writeEnd, 1 }, { null, 2 } });
            Sys::close(readEnd);
            Sys::close(writeEnd);
        }
        for (int i = 0; i < 2; ++i) {
            if (!QTest::qWaitFor([&] { return scanSystem().pipeAt(readers[i], 0) != nullptr; }, 5000))
                return false;
            keys[i] = SystemPipesModel::keyString(scanSystem().pipeAt(readers[i], 0)->key);
        }
        return true;
    }
};

} // namespace

class TestSystemPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelMergesRowByRow();
    void modelShowsTheRate();
    void layoutReadsLeftToRight();
    void graphDrawsCyclesAndOpeners();
    void livePipelineOnThePage();
    void pauseThisReader();
    void fifoOpenerOnThePage();
    void scansOffTheGuiThreadForWhatIsOnScreen();
    void issue16PidFilterShowsOnlyThatProcess();
    void issue16HiddenPipeLeavesTheInspector();
    void issue16GraphSaysAFlowingWriterFlows_data();
    void issue16GraphSaysAFlowingWriterFlows();
};

void TestSystemPage::modelMergesRowByRow()
{
    SystemPipesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto w = EndpointMode::Write;
    const auto r = EndpointMode::Read;
    const PipeInfo a = pipeWith(1, { end(10, 1, w), end(11, 0, r) });
    const PipeInfo b = pipeWith(2, { end(11, 1, w), end(12, 0, r) });
    const PipeInfo c = pipeWith(3, { end(20, 1, w), end(21, 0, r) });
    model.update(snapshotOf({ a, b, c }));
    QCOMPARE(model.rowCount(), 3);
    QPersistentModelIndex second(model.index(1, 0));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(reset.isValid() && changed.isValid());

    PipeInfo fuller = b;
    fuller.queued = 4096;
    model.update(snapshotOf({ a, fuller, c }));
    QCOMPARE(changed.size(), 1); // only the row whose values changed
    QCOMPARE(changed[0][0].toModelIndex().row(), 1);
    QCOMPARE(model.index(1, SystemPipesModel::FillColumn).data().toString(), QStringLiteral("4096 / 65536"));

    // c moves before b, a goes away, d arrives: b keeps its persistent index.
    const PipeInfo d = pipeWith(4, { end(30, 1, w) });
    model.update(snapshotOf({ c, fuller, d }));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, 0).data(SystemPipesModel::KeyRole).toString(), key(3));
    QCOMPARE(second.data(SystemPipesModel::KeyRole).toString(), key(2));
    QCOMPARE(model.index(2, 0).data(SystemPipesModel::KeyRole).toString(), key(4));
    QCOMPARE(model.index(2, SystemPipesModel::ReadersColumn).data().toString(), QString());
    QCOMPARE(model.index(1, SystemPipesModel::WritersColumn).data().toString(), QStringLiteral("p11 11 sleeping"));
    QCOMPARE(model.index(1, 0).data(SystemPipesModel::FillRole).toDouble(), 4096.0 / 65536.0);
    model.update(snapshotOf({}));
    QCOMPARE(model.rowCount(), 0);
}

void TestSystemPage::modelShowsTheRate()
{
    // Issue 10: the table's rate column, from the monitor's counters (PipeInfo::rate).
    SystemPipesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PipeInfo flowing = pipeWith(1, { end(10, 1, EndpointMode::Write), end(11, 0, EndpointMode::Read) });
    flowing.rate = 1048576;
    const PipeInfo unknown = pipeWith(2, { end(12, 1, EndpointMode::Write) });
    model.update(snapshotOf({ flowing, unknown }));
    QCOMPARE(model.headerData(SystemPipesModel::RateColumn, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Rate"));
    QCOMPARE(model.index(0, SystemPipesModel::RateColumn).data().toString(), QStringLiteral("1.0 MB/s"));
    QCOMPARE(model.index(0, SystemPipesModel::RateColumn).data(SystemPipesModel::SortRole).toDouble(), 1048576.0);
    QCOMPARE(model.index(1, SystemPipesModel::RateColumn).data().toString(), QStringLiteral("-"));
    // A new rate is a change of that row only.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changed.isValid());
    flowing.rate = 2500;
    model.update(snapshotOf({ flowing, unknown }));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(0, SystemPipesModel::RateColumn).data().toString(), QStringLiteral("2.5 kB/s"));
}

void TestSystemPage::layoutReadsLeftToRight()
{
    // a | b | c, and two processes writing to each other (a cycle).
    GraphLayout layout;
    layout.addEdge(QStringLiteral("a"), QStringLiteral("p1"));
    layout.addEdge(QStringLiteral("p1"), QStringLiteral("b"));
    layout.addEdge(QStringLiteral("b"), QStringLiteral("p2"));
    layout.addEdge(QStringLiteral("p2"), QStringLiteral("c"));
    layout.addEdge(QStringLiteral("x"), QStringLiteral("q1"));
    layout.addEdge(QStringLiteral("q1"), QStringLiteral("y"));
    layout.addEdge(QStringLiteral("y"), QStringLiteral("q2"));
    layout.addEdge(QStringLiteral("q2"), QStringLiteral("x"));
    const QHash<QString, QPoint> at = layout.compute();
    QCOMPARE(at[QStringLiteral("a")].x(), 0);
    QCOMPARE(at[QStringLiteral("p1")].x(), 1);
    QCOMPARE(at[QStringLiteral("b")].x(), 2);
    QCOMPARE(at[QStringLiteral("p2")].x(), 3);
    QCOMPARE(at[QStringLiteral("c")].x(), 4);
    QCOMPARE(at.size(), 9);
    // The cycle is cut at its smallest node and laid out in order after it.
    QVERIFY(at[QStringLiteral("q1")].x() < at[QStringLiteral("y")].x());
    QVERIFY(at[QStringLiteral("y")].x() < at[QStringLiteral("q2")].x());
    QVERIFY(at[QStringLiteral("q2")].x() < at[QStringLiteral("x")].x());
}

void TestSystemPage::graphDrawsCyclesAndOpeners()
{
    const auto w = EndpointMode::Write;
    const auto r = EndpointMode::Read;
    EndpointGraph graph;
    graph.resize(800, 400);
    // 10 and 11 each write a pipe the other reads: one of the four edges closes the cycle.
    SystemSnapshot snapshot = snapshotOf({ pipeWith(1, { end(10, 1, w), end(11, 0, r) }),
                                           pipeWith(2, { end(11, 1, w), end(10, 0, r) }) });
    QList<const PipeInfo *> pipes { &snapshot.pipes[0], &snapshot.pipes[1] };
    graph.setSnapshot(snapshot, pipes);
    QCOMPARE(edgesOf(&graph), (QStringList { QStringLiteral("solid line"), QStringLiteral("solid line"), QStringLiteral("solid line"), QStringLiteral("solid path") }));

    // A FIFO nobody holds yet, with 30 asleep in open() to write it: a dashed edge, and the
    // box says so.
    PipeInfo fifo;
    fifo.key = { PipeKind::Fifo, 5, 77 };
    fifo.path = QStringLiteral("/tmp/f");
    fifo.openers << FifoOpener { 30, 30, w, -1 };
    snapshot = snapshotOf({ pipeWith(3, { end(20, 1, w), end(21, 0, r) }), fifo });
    pipes = { &snapshot.pipes[0], &snapshot.pipes[1] };
    graph.setSnapshot(snapshot, pipes);
    QCOMPARE(edgesOf(&graph), (QStringList { QStringLiteral("dashed line"), QStringLiteral("solid line"), QStringLiteral("solid line") }));
    QCOMPARE(graph.processCount(), 3);
    QVERIFY2(graph.processText(30).contains(u"✖ blocked opening to write"), qPrintable(graph.processText(30)));
    QVERIFY(graph.processPosition(30).x() < graph.pipePosition(QStringLiteral("fifo:5:77")).x());
    QCOMPARE(graph.pipeText(QStringLiteral("fifo:5:77")), QStringLiteral("FIFO f")); // the name; the path is in the tooltip
    QCOMPARE(graph.pipeText(key(3)), QStringLiteral("pipe 3"));

    SystemPipesModel model;
    model.update(snapshot);
    QCOMPARE(model.index(model.rowOf(QStringLiteral("fifo:5:77")), SystemPipesModel::WritersColumn).data().toString(),
             QStringLiteral("p30 30 blocked in open()"));
}

void TestSystemPage::livePipelineOnThePage()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    const pid_t reader = children.spawn({ QStringLiteral("sleep"), QStringLiteral("600") }, { { readEnd, 0 } });
    const pid_t writer = children.spawn({ helperPath(QStringLiteral("explorer_source")), QStringLiteral("10000"),
                                          QStringLiteral("1000"), QStringLiteral("hold"), QStringLiteral("3") },
                                        { { writeEnd, 1 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(reader, 0) && *scanSystem().pipeAt(reader, 0)->queued == 10000, 5000);
    const QString pipeKey = SystemPipesModel::keyString(scanSystem().pipeAt(reader, 0)->key);

    SystemPage page;
    QVERIFY(shownAndRefreshed(page));
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int row = page.model()->rowOf(pipeKey);
    QVERIFY(row >= 0);
    QCOMPARE(page.model()->index(row, SystemPipesModel::ReadersColumn).data().toString(),
             QStringLiteral("sleep %1 sleeping").arg(reader));

    // The graph: writer box, then the pipe's gauge, then the reader box, left to right.
    QVERIFY(page.graph()->processPosition(writer).x() < page.graph()->pipePosition(pipeKey).x());
    QVERIFY(page.graph()->pipePosition(pipeKey).x() < page.graph()->processPosition(reader).x());
    QVERIFY2(page.graph()->processText(reader).startsWith(QStringLiteral("sleep (pid %1)\n").arg(reader)),
             qPrintable(page.graph()->processText(reader)));

    // Following the reader selects its pipe; the inspector shows the live fill and the bytes.
    page.followPid(reader);
    QCOMPARE(page.selectedPipe(), pipeKey);
    QTRY_COMPARE(page.gauge()->queued(), qint64(10000)); // the monitor's focus probe, delivered
    QCOMPARE(page.gauge()->capacity(), qint64(65536));
    QTRY_COMPARE(page.peekView()->peek().size(), 4096);
    QVERIFY(page.inspectorText()->text().contains(QStringLiteral("`sleep` (pid %1) fd 0 (r): sleeping").arg(reader)));
    // Peeking consumed nothing.
    QVERIFY(refreshed(page));
    QTest::qWait(2 * SystemPage::InspectorIntervalMs);
    QCOMPARE(page.gauge()->queued(), qint64(10000));

    // The filter narrows table and graph. (The row is looked up again: the refreshes above
    // may have moved it, as other processes' pipes come and go.)
    page.filterEdit()->setText(page.model()->index(page.model()->rowOf(pipeKey), SystemPipesModel::PipeColumn).data().toString());
    QCOMPARE(page.proxy()->rowCount(), 1);
    QCOMPARE(page.graph()->pipeCount(), 1);
    QCOMPARE(page.graph()->processCount(), 2);
}

void TestSystemPage::pauseThisReader()
{
    ChildProcesses children;
    const auto [readEnd, writeEnd] = makePipe();
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    const pid_t reader = children.spawn({ QStringLiteral("cat") }, { { readEnd, 0 }, { devNull.get(), 1 } });
    const pid_t writer = children.spawn({ QStringLiteral("yes") }, { { writeEnd, 1 } });
    Sys::close(readEnd);
    Sys::close(writeEnd);
    QTRY_VERIFY_WITH_TIMEOUT(scanSystem().pipeAt(reader, 0) != nullptr, 5000);

    SystemPage page;
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(refreshed(page));
    page.followPid(reader);
    // Only ever signal our own child: the button names the process it will stop.
    QCOMPARE(page.selectedPipe(), SystemPipesModel::keyString(scanSystem().pipeAt(reader, 0)->key));
    QVERIFY(page.pauseButton()->isEnabled());
    QCOMPARE(page.pauseButton()->text(), QStringLiteral("Pause reader `cat` (pid %1)").arg(reader));
    QTest::mouseClick(page.pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(processState(reader), 'T', 5000);
    // The effect, visible: the writer blocks on the full pipe and the gauge shows it.
    // (Both in one update: a scan that began before the SIGSTOP may read the reader running.)
    QTRY_VERIFY_WITH_TIMEOUT((page.refreshNow(), page.graph()->processText(writer).contains(u"✖ blocked writing")
                                                         && page.graph()->processText(reader).contains(u"❚❚ stopped")),
                             15000);
    QTRY_COMPARE(page.gauge()->queued(), qint64(65536));
    QCOMPARE(page.pauseButton()->text(), QStringLiteral("Resume reader `cat` (pid %1)").arg(reader));
    QVERIFY(page.inspectorText()->text().contains(u"is stopped (SIGSTOP)"));
    QTest::mouseClick(page.pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(processState(reader) != 'T', 5000);
    QTRY_VERIFY_WITH_TIMEOUT((page.refreshNow(), page.pauseButton()->text().startsWith(u"Pause reader")), 5000);
}

void TestSystemPage::fifoOpenerOnThePage()
{
    // `sh` opens a FIFO to write and waits for a reader; it holds no pipe (stdio /dev/null).
    QTemporaryDir dir;
    const QString path = makeFifo(dir, QStringLiteral("f"));
    QVERIFY(!path.isEmpty());
    ChildProcesses children;
    const pid_t writer = children.spawnQuiet(fifoWriterCommand(path));
    SystemPage page;
    page.resize(1200, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTRY_VERIFY_WITH_TIMEOUT((page.refreshNow(), page.graph()->processText(writer).contains(u"✖ blocked opening to write")),
                             5000);
    page.followPid(writer);
    QVERIFY2(page.selectedPipe().startsWith(u"fifo:"), qPrintable(page.selectedPipe()));
    const QString details = page.inspectorText()->text();
    QVERIFY2(details.contains(QStringLiteral("`sh` (pid %1) in open() for writing").arg(writer)), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("warning: `sh` (pid %1) is blocked").arg(writer)), qPrintable(details));
    QVERIFY(!page.pauseButton()->isEnabled()); // no reader to pause
    QCOMPARE(page.gauge()->queued(), qint64(-1));
}

void TestSystemPage::scansOffTheGuiThreadForWhatIsOnScreen()
{
    SystemPage page;
    page.resize(1200, 800);
    QSignalSpy updates(page.monitor(), &SystemMonitor::updated);
    page.show(); // starts the page's monitor
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(updates.wait(10000));
    const MonitorUpdate update = updates.first().at(0).value<MonitorUpdate>();
    QVERIFY(update.scanThread != QThread::currentThreadId());
    // What the page asks to probe next: the pipes it shows (at most the visible rows, the
    // graph's viewport and the selection), not the whole system.
    const PipeInterest interest = page.monitor()->interest();
    QVERIFY(!interest.all);
    QVERIFY(interest.pipes.size() <= page.model()->rowCount());
    for (const PipeKey &key : interest.pipes)
        QVERIFY(page.model()->rowOf(SystemPipesModel::keyString(key)) >= 0);
    page.hide();
    QVERIFY(!page.monitor()->isActive()); // no scans while hidden
}

void TestSystemPage::issue16PidFilterShowsOnlyThatProcess()
{
    // `pipescope --pid N` narrows the page as `list --pid N` does, visibly, with a way out.
    TwoPipes pipes;
    QVERIFY(pipes.start());
    SystemPage page;
    QVERIFY(shownAndRefreshed(page));
    QVERIFY(shownKeys(page).contains(pipes.keys[1]));
    QVERIFY(page.pidFilterChip()->isHidden());

    // Its pipes only (an fd this test inherited non-close-on-exec, its children hold too, may
    // be one of them), in the table and in the graph.
    page.setPidFilter(pipes.readers[0]);
    QVERIFY(showsOnlyPipesOf(page, pipes.readers[0], pipes.keys[0]));
    QVERIFY(!shownKeys(page).contains(pipes.keys[1]));
    QVERIFY(refreshed(page)); // kept across scans
    QVERIFY(showsOnlyPipesOf(page, pipes.readers[0], pipes.keys[0]));
    QVERIFY(!shownKeys(page).contains(pipes.keys[1]));
    QCOMPARE(page.graph()->pipeCount(), page.proxy()->rowCount());
    QVERIFY(!page.graph()->pipeText(pipes.keys[0]).isEmpty());
    QVERIFY(page.graph()->pipeText(pipes.keys[1]).isEmpty());
    QVERIFY(!page.graph()->processText(pipes.writers[0]).isEmpty());
    QVERIFY(page.pidFilterChip()->isVisible());
    QVERIFY(page.pidFilterChip()->isChecked());
    QCOMPARE(page.pidFilterChip()->text(), QStringLiteral("only PID %1 ×").arg(pipes.readers[0]));

    // The way out: clicking the chip shows everything again.
    QTest::mouseClick(page.pidFilterChip(), Qt::LeftButton);
    QCOMPARE(page.pidFilter(), qint64(-1));
    QVERIFY(page.pidFilterChip()->isHidden());
    QVERIFY(shownKeys(page).contains(pipes.keys[0]));
    QVERIFY(shownKeys(page).contains(pipes.keys[1]));
    QVERIFY(page.graph()->isTruncated() || !page.graph()->pipeText(pipes.keys[1]).isEmpty());

    // Offered on the page too: the context menus' "Only PID N" for the selected pipe.
    page.selectPipe(pipes.keys[1]);
    QAction *only = page.onlyHolderAction();
    QVERIFY(page.graph()->actions().contains(only) && only->isEnabled());
    const PipeInfo *selected = page.model()->pipe(pipes.keys[1]);
    QVERIFY(selected && !selected->endpoints.isEmpty());
    const qint64 holder = selected->endpoints.first().pid;
    QVERIFY2(only->text().startsWith(QStringLiteral("Only PID %1 (").arg(holder)), qPrintable(only->text()));
    only->trigger();
    QCOMPARE(page.pidFilter(), holder);
    QVERIFY(page.pidFilterChip()->isVisible());
    QVERIFY(showsOnlyPipesOf(page, holder, pipes.keys[1]));
}

void TestSystemPage::issue16HiddenPipeLeavesTheInspector()
{
    // The selection goes with its row: not to a neighbour, and not left in the inspector.
    TwoPipes pipes;
    QVERIFY(pipes.start());
    SystemPage page;
    QVERIFY(shownAndRefreshed(page));
    const auto pipeText = [&](int i) {
        return page.model()->index(page.model()->rowOf(pipes.keys[i]), SystemPipesModel::PipeColumn).data().toString();
    };
    const QString placeholder = QStringLiteral("Select a pipe in the graph or the table.");

    // The text filter keeps only the other pipe.
    page.selectPipe(pipes.keys[0]);
    QVERIFY(page.table()->currentIndex().isValid());
    QVERIFY(page.inspectorText()->text().contains(QStringLiteral("(pid %1)").arg(pipes.readers[0])));
    page.filterEdit()->setText(pipeText(1));
    QCOMPARE(shownKeys(page), QStringList { pipes.keys[1] });
    QCOMPARE(page.selectedPipe(), QString());
    QVERIFY(!page.table()->currentIndex().isValid());
    QCOMPARE(page.graph()->selectedPipe(), QString());
    QVERIFY(page.inspectorText()->text().isEmpty());
    QVERIFY(!page.pauseButton()->isEnabled());
    const QList<QLabel *> labels = page.findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [&](const QLabel *label) { return label->text() == placeholder; }));
    QVERIFY(refreshed(page)); // and it stays so
    QCOMPARE(page.selectedPipe(), QString());

    // The text filter hides every row.
    page.filterEdit()->clear();
    page.selectPipe(pipes.keys[1]);
    QCOMPARE(page.selectedPipe(), pipes.keys[1]);
    page.filterEdit()->setText(QStringLiteral("no pipe is called this"));
    QCOMPARE(page.proxy()->rowCount(), 0);
    QCOMPARE(page.selectedPipe(), QString());
    QVERIFY(page.inspectorText()->text().isEmpty());

    // The PID filter hides it.
    page.filterEdit()->clear();
    page.selectPipe(pipes.keys[1]);
    page.setPidFilter(pipes.readers[0]);
    QVERIFY(!shownKeys(page).contains(pipes.keys[1]));
    QCOMPARE(page.selectedPipe(), QString());
    QVERIFY(page.inspectorText()->text().isEmpty());
}

void TestSystemPage::issue16GraphSaysAFlowingWriterFlows_data()
{
    QTest::addColumn<QStringList>("limiter");
    QTest::addColumn<QString>("pause");
    // pv -L sleeps in select between bursts, explorer_slowcat (4 KiB, then 10 ms) in nanosleep.
    QTest::newRow("pv -L 1m") << QStringList { QStringLiteral("pv"), QStringLiteral("-q"), QStringLiteral("-L"), QStringLiteral("1m") }
                              << QStringLiteral("poll/select");
    QTest::newRow("slowcat") << QStringList { helperPath(QStringLiteral("explorer_slowcat")), QStringLiteral("4096"), QStringLiteral("10000") }
                             << QStringLiteral("nanosleep");
}

void TestSystemPage::issue16GraphSaysAFlowingWriterFlows()
{
    // `cat /dev/zero | pv -q -L 1m | cat`: the diagnostics call cat flowing (its bytes move
    // between scans though it is asleep in write()), and the graph drew it red, "blocked".
    QFETCH(QStringList, limiter);
    QFETCH(QString, pause);
    if (QStandardPaths::findExecutable(limiter.first()).isEmpty() && !QFile::exists(limiter.first()))
        QSKIP("pv is not installed (.ci/install-deps.sh installs it)");
    ChildProcesses children;
    const ThreeStages stages = spawnThreeStages(
            children, { QStringLiteral("cat"), QStringLiteral("/dev/zero") }, limiter, { QStringLiteral("cat") });
    const pid_t writer = stages.source, middle = stages.middle, sink = stages.sink;
    SystemMonitor monitor;
    watchOnly(monitor, this, { writer, middle, sink });
    // A scan in which cat was asleep in write() and its rate known: the diagnostics' verdict.
    MonitorUpdate update;
    bool seen = false; // latched: QTRY evaluates its condition again after it held, and each
                       // evaluation here is a new scan that may catch another moment
    const auto flowingSeen = [&] {
        if (seen)
            return true;
        QSignalSpy spy(&monitor, &SystemMonitor::updated);
        monitor.refreshNow();
        if (!spy.wait(10000))
            return false;
        update = spy.takeFirst().at(0).value<MonitorUpdate>();
        const PipeInfo *pipe = update.snapshot.pipeAt(writer, 1);
        seen = pipe && stateOf(update.snapshot, writer, 1) == EndpointState::BlockedWrite
                && !pipe->diagnostics.isEmpty() && pipe->diagnostics.first().text.contains(u"is flowing")
                && PipeDiagnostics::activity(update.snapshot, middle).startsWith(u"limits its own pace");
        return seen;
    };
    // All three in one scan can take a while on a loaded machine (each scan catches each
    // process in one state): up to 45 s of scans, not a sleep.
    QTRY_VERIFY_WITH_TIMEOUT(flowingSeen(), 45000);

    EndpointGraph graph;
    QList<const PipeInfo *> pipes;
    for (const PipeInfo &pipe : std::as_const(update.snapshot.pipes))
        pipes << &pipe;
    graph.setSnapshot(update.snapshot, pipes);
    const QString writerWords = graph.processText(writer).section(u'\n', 1);
    QVERIFY2(writerWords.startsWith(u"→ flowing ("), qPrintable(writerWords));
    const QString middleWords = graph.processText(middle).section(u'\n', 1);
    QVERIFY2(middleWords.startsWith(u"⏱ paces itself ("), qPrintable(middleWords + u' ' + pause));
    QVERIFY2(!graph.accessibleSummary().contains(u"blocked"), qPrintable(graph.accessibleSummary()));
    // No box drawn in the alarm colour.
    for (QGraphicsItem *item : graph.scene()->items()) {
        if (const auto *box = qgraphicsitem_cast<QGraphicsRectItem *>(item))
            QVERIFY(box->brush().color() != QColor(0xfd, 0xe2, 0xe1));
    }
}

QTEST_MAIN(TestSystemPage)
#include "tst_systempage.moc"
