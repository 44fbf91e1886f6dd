// LabEventLog: coalescing of data entries, order across pipes, trimming, JSON lines and CSV.
#include <pipescope/labeventlog.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace PipeScope;

class TestLabEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dataIsCoalescedUntilTheNextEvent();
    void flushOrdersPipesByFirstChunk();
    void oldEntriesAreTrimmed();
    void jsonLines();
    void csvQuotesFields();
    void exportErrors();
};

void TestLabEventLog::dataIsCoalescedUntilTheNextEvent()
{
    LabEventLog log;
    QSignalSpy changed(&log, &LabEventLog::changed);
    QVERIFY(changed.isValid());
    log.append(1, QStringLiteral("p"), QStringLiteral("reader"), QStringLiteral("connectionMade"));
    for (int i = 0; i < 100; ++i)
        log.noteData(1, QStringLiteral("p"), QStringLiteral("reader"), QStringLiteral("dataReceived"), 10);
    QCOMPARE(log.entries().size(), size_t(1));
    QCOMPARE(changed.size(), 1); // noting data is silent
    log.append(1, QStringLiteral("p"), QStringLiteral("reader"), QStringLiteral("readingPaused"));
    QCOMPARE(log.entries().size(), size_t(3));
    const LabEvent &data = log.entries()[1];
    QCOMPARE(data.event, QStringLiteral("dataReceived"));
    QCOMPARE(data.bytes, qint64(1000));
    QCOMPARE(data.count, qint64(100));
    QCOMPARE(data.detail, QStringLiteral("1000 bytes in 100 chunks"));
    QCOMPARE(log.entries()[2].event, QStringLiteral("readingPaused"));
    QVERIFY(log.entries()[0].seq < data.seq && data.seq < log.entries()[2].seq);
    QVERIFY(log.entries()[0].timeNs <= data.timeNs && data.timeNs <= log.entries()[2].timeNs);
}

void TestLabEventLog::flushOrdersPipesByFirstChunk()
{
    LabEventLog log;
    log.noteData(2, QStringLiteral("b"), QStringLiteral("writer"), QStringLiteral("write"), 5, 1);
    QTest::qWait(2);
    log.noteData(1, QStringLiteral("a"), QStringLiteral("reader"), QStringLiteral("dataReceived"), 7);
    log.noteData(2, QStringLiteral("b"), QStringLiteral("writer"), QStringLiteral("write"), 5, 3);
    log.flush();
    QCOMPARE(log.entries().size(), size_t(2));
    QCOMPARE(log.entries()[0].pipe, QStringLiteral("b"));
    QCOMPARE(log.entries()[0].detail, QStringLiteral("10 bytes in 4 writes"));
    QCOMPARE(log.entries()[1].detail, QStringLiteral("7 bytes in 1 chunk"));
    log.flush(); // nothing pending: nothing added
    QCOMPARE(log.entries().size(), size_t(2));
}

void TestLabEventLog::oldEntriesAreTrimmed()
{
    LabEventLog log;
    for (int i = 0; i < LabEventLog::MaxEntries + 10; ++i)
        log.append(1, QStringLiteral("p"), QStringLiteral("pipe"), QString::number(i));
    QCOMPARE(log.entries().size(), size_t(LabEventLog::MaxEntries));
    QCOMPARE(log.entries().front().event, QStringLiteral("10"));
    QCOMPARE(log.entries().front().seq, quint64(11));
    QCOMPARE(log.nextSeq(), quint64(LabEventLog::MaxEntries + 11));
    log.clear();
    QVERIFY(log.entries().empty());
    QCOMPARE(log.nextSeq(), quint64(LabEventLog::MaxEntries + 11));
}

void TestLabEventLog::jsonLines()
{
    LabEventLog log;
    log.append(3, QStringLiteral("demo"), QStringLiteral("writer"), QStringLiteral("connectionLost"),
               QStringLiteral("EPIPE (Broken pipe)"));
    log.noteData(3, QStringLiteral("demo"), QStringLiteral("reader"), QStringLiteral("dataReceived"), 4096);
    log.flush();
    const QList<QByteArray> lines = log.toJsonLines().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.last().isEmpty());
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(first.value(QStringLiteral("event")).toString(), QStringLiteral("connectionLost"));
    QCOMPARE(first.value(QStringLiteral("detail")).toString(), QStringLiteral("EPIPE (Broken pipe)"));
    QVERIFY(!first.contains(QStringLiteral("bytes")));
    const QJsonObject second = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(second.value(QStringLiteral("bytes")).toInteger(), qint64(4096));
    QCOMPARE(second.value(QStringLiteral("count")).toInteger(), qint64(1));
    QVERIFY(second.value(QStringLiteral("t")).toDouble() >= first.value(QStringLiteral("t")).toDouble());
}

void TestLabEventLog::csvQuotesFields()
{
    LabEventLog log;
    log.append(1, QStringLiteral("a,b"), QStringLiteral("pipe"), QStringLiteral("F_SETPIPE_SZ"),
               QStringLiteral("said \"no\"\nthen"));
    const QByteArray csv = log.toCsv();
    QVERIFY(csv.startsWith("t,pipe,end,event,detail,bytes,count\r\n"));
    QVERIFY2(csv.contains(",\"a,b\",pipe,F_SETPIPE_SZ,\"said \"\"no\"\"\nthen\",,\r\n"), csv.constData());
}

void TestLabEventLog::exportErrors()
{
    LabEventLog log;
    log.append(1, QStringLiteral("p"), QStringLiteral("pipe"), QStringLiteral("x"));
    Error error;
    QVERIFY(!log.exportTo(QStringLiteral("/nonexistent/dir/log.csv"), true, &error));
    QVERIFY2(error.message().contains(QStringLiteral("/nonexistent/dir/log.csv")), qPrintable(error.message()));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("log.jsonl"));
    QVERIFY2(log.exportTo(path, false, &error), qPrintable(error.message()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), log.toJsonLines());
}

QTEST_GUILESS_MAIN(TestLabEventLog)
#include "tst_labeventlog.moc"
