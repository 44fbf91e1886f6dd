// The item models on their own: row-by-row merging (no resets), persistent indexes across
// refreshes, trimming of the timeline; QAbstractItemModelTester watches every change.
#include "endpointsmodel.h"
#include "eventlogmodel.h"
#include "timelinefiltermodel.h"

#include <pipescope/labeventlog.h>
#include <pipescope/labpipe.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace PipeScope;
using namespace PipeScope::Ui;

class TestUiModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endpointsMergeRowByRow();
    void endpointsShowStatesInWords_data();
    void endpointsShowStatesInWords();
    void endpointsRecursiveFilter();
    void eventLogModelAppendsAndTrims();
    void timelineFilterByPipe();
};

namespace {

LabPipeSnapshot snapshot(int id, const QString &name, qint64 queued = 0)
{
    LabPipeSnapshot s;
    s.id = id;
    s.name = name;
    s.writerState = LabPipe::WriterState::Writing;
    s.readerState = LabPipe::ReaderState::Reading;
    s.queued = queued;
    s.capacity = 65536;
    return s;
}

} // namespace

void TestUiModels::endpointsMergeRowByRow()
{
    EndpointsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(reset.isValid() && inserted.isValid() && removed.isValid() && changed.isValid());

    model.update({ snapshot(1, QStringLiteral("a")), snapshot(2, QStringLiteral("b")) });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowCount(model.index(0, 0)), 2);
    QCOMPARE(inserted.size(), 2);
    const QPersistentModelIndex b = model.index(1, 0);
    const QPersistentModelIndex bReader = model.index(1, EndpointsModel::StateColumn, b);
    QCOMPARE(bReader.data().toString(), QStringLiteral("reading"));

    changed.clear();
    model.update({ snapshot(1, QStringLiteral("a")), snapshot(2, QStringLiteral("b")) });
    QCOMPARE(changed.size(), 0); // nothing changed, nothing emitted

    LabPipeSnapshot paused = snapshot(2, QStringLiteral("b"), 4096);
    paused.readerState = LabPipe::ReaderState::Paused;
    model.update({ snapshot(1, QStringLiteral("a")), paused, snapshot(3, QStringLiteral("c")) });
    QCOMPARE(bReader.data().toString(), QStringLiteral("paused"));
    QCOMPARE(model.index(b.row(), EndpointsModel::BufferedColumn).data().toString(), QStringLiteral("4.0 KiB / 64 KiB"));
    QCOMPARE(changed.size(), 2); // b's ends, then b's row
    QCOMPARE(model.rowCount(), 3);

    model.update({ paused, snapshot(3, QStringLiteral("c")) }); // a went away
    QCOMPARE(removed.size(), 1);
    QVERIFY(b.isValid());
    QCOMPARE(b.row(), 0);
    QCOMPARE(bReader.data().toString(), QStringLiteral("paused"));
    QCOMPARE(model.indexOfPipe(3).row(), 1);
    QCOMPARE(model.indexOfPipe(1), QModelIndex());
    QCOMPARE(reset.size(), 0);
    model.update({});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!b.isValid());
}

void TestUiModels::endpointsShowStatesInWords_data()
{
    QTest::addColumn<int>("writer");
    QTest::addColumn<int>("reader");
    QTest::addColumn<QString>("writerWord");
    QTest::addColumn<QString>("readerWord");
    using W = LabPipe::WriterState;
    using R = LabPipe::ReaderState;
    QTest::newRow("flowing") << int(W::Writing) << int(R::Reading) << QStringLiteral("writing") << QStringLiteral("reading");
    QTest::newRow("back-pressure") << int(W::WritingPaused) << int(R::Paused) << QStringLiteral("writing paused") << QStringLiteral("paused");
    QTest::newRow("epipe") << int(W::Broken) << int(R::Closed) << QStringLiteral("broken (EPIPE)") << QStringLiteral("closed");
    QTest::newRow("eof") << int(W::Closed) << int(R::Eof) << QStringLiteral("closed") << QStringLiteral("EOF");
    QTest::newRow("closing") << int(W::Closing) << int(R::Closing) << QStringLiteral("closing") << QStringLiteral("closing");
    QTest::newRow("fifo") << int(W::WaitingForReader) << int(R::NotOpen) << QStringLiteral("waiting for a reader") << QStringLiteral("no reader");
    QTest::newRow("slow") << int(W::Writing) << int(R::Throttled) << QStringLiteral("writing") << QStringLiteral("throttled");
}

void TestUiModels::endpointsShowStatesInWords()
{
    QFETCH(int, writer);
    QFETCH(int, reader);
    QFETCH(QString, writerWord);
    QFETCH(QString, readerWord);
    EndpointsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LabPipeSnapshot s = snapshot(7, QStringLiteral("p"));
    s.writerState = LabPipe::WriterState(writer);
    s.readerState = LabPipe::ReaderState(reader);
    model.update({ s });
    const QModelIndex pipe = model.index(0, 0);
    const QModelIndex w = model.index(0, EndpointsModel::StateColumn, pipe);
    const QModelIndex r = model.index(1, EndpointsModel::StateColumn, pipe);
    QCOMPARE(w.data().toString(), writerWord);
    QCOMPARE(r.data().toString(), readerWord);
    // Never colour alone: each state has a word, an icon and an explanation.
    for (const QModelIndex &index : { w, r }) {
        QVERIFY(!index.data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(index.data(Qt::ToolTipRole).toString().size() > 30);
        QCOMPARE(index.data(EndpointsModel::PipeIdRole).toInt(), 7);
    }
    QCOMPARE(model.parent(w), pipe);
}

void TestUiModels::endpointsRecursiveFilter()
{
    EndpointsModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setRecursiveFilteringEnabled(true);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LabPipeSnapshot broken = snapshot(2, QStringLiteral("second"));
    broken.writerState = LabPipe::WriterState::Broken;
    model.update({ snapshot(1, QStringLiteral("first")), broken });
    proxy.setFilterFixedString(QStringLiteral("epipe"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("second"));
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1); // only the broken writer matches
    model.update({ snapshot(1, QStringLiteral("first")), snapshot(2, QStringLiteral("second")) });
    QCOMPARE(proxy.rowCount(), 0);
}

void TestUiModels::eventLogModelAppendsAndTrims()
{
    LabEventLog log;
    EventLogModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    for (int i = 0; i < 5; ++i)
        log.append(1, QStringLiteral("p"), QStringLiteral("pipe"), QStringLiteral("e%1").arg(i));
    QCOMPARE(model.rowCount(), 0); // pulled on refresh, not per event
    model.refresh();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(4, EventLogModel::EventColumn).data().toString(), QStringLiteral("e4"));
    for (int i = 5; i < LabEventLog::MaxEntries + 3; ++i)
        log.append(1, QStringLiteral("p"), QStringLiteral("pipe"), QStringLiteral("e%1").arg(i));
    model.refresh();
    QCOMPARE(model.rowCount(), LabEventLog::MaxEntries);
    QCOMPARE(model.index(0, EventLogModel::EventColumn).data().toString(), QStringLiteral("e3"));
    log.clear();
    model.refresh();
    QCOMPARE(model.rowCount(), 0);
    log.append(1, QStringLiteral("p"), QStringLiteral("pipe"), QStringLiteral("again"));
    model.refresh();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(reset.size(), 0);
}

void TestUiModels::timelineFilterByPipe()
{
    LabEventLog log;
    EventLogModel model(&log);
    TimelineFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.append(1, QStringLiteral("one"), QStringLiteral("reader"), QStringLiteral("readingPaused"));
    log.append(2, QStringLiteral("two"), QStringLiteral("reader"), QStringLiteral("readingPaused"));
    log.append(2, QStringLiteral("two"), QStringLiteral("writer"), QStringLiteral("connectionLost"), QStringLiteral("EPIPE"));
    model.refresh();
    QCOMPARE(filter.rowCount(), 3);
    filter.setPipeId(2);
    QCOMPARE(filter.rowCount(), 2);
    filter.setFilterFixedString(QStringLiteral("epipe"));
    QCOMPARE(filter.rowCount(), 1);
    filter.setPipeId(1);
    QCOMPARE(filter.rowCount(), 0);
    filter.setPipeId(-1);
    QCOMPARE(filter.rowCount(), 1);
}

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
