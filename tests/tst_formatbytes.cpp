// The byte and rate formatter of every gauge and panel: the unit is chosen for the number as
// printed, so a value just under a unit boundary never reads "1024 KiB/s".
#include "statepresentation.h"

#include <QTest>

using namespace PipeScope::Ui;

class TestFormatBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundaries_data();
    void boundaries();
    void rateRoundsTheSameWay();
};

void TestFormatBytes::boundaries_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << QStringLiteral("—");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 B");
    QTest::newRow("1023 B") << qint64(1023) << QStringLiteral("1023 B");
    QTest::newRow("1 KiB") << qint64(1024) << QStringLiteral("1.0 KiB");
    QTest::newRow("1.5 KiB") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("just under 10 KiB") << qint64(10239) << QStringLiteral("10 KiB");
    QTest::newRow("9.9 KiB") << qint64(10137) << QStringLiteral("9.9 KiB");
    QTest::newRow("64 KiB") << qint64(65536) << QStringLiteral("64 KiB");
    QTest::newRow("1023 KiB") << qint64(1023 * 1024) << QStringLiteral("1023 KiB");
    QTest::newRow("1023.5 KiB") << qint64(1023 * 1024 + 512) << QStringLiteral("1.0 MiB");
    QTest::newRow("1 MiB - 1") << qint64(1048575) << QStringLiteral("1.0 MiB");
    QTest::newRow("1 MiB") << qint64(1048576) << QStringLiteral("1.0 MiB");
    QTest::newRow("1023.9 MiB") << qint64(1023.9 * 1048576) << QStringLiteral("1023.9 MiB");
    QTest::newRow("1 GiB - 1") << qint64(1073741823) << QStringLiteral("1.00 GiB");
    QTest::newRow("1.5 GiB") << qint64(1610612736) << QStringLiteral("1.50 GiB");
}

void TestFormatBytes::boundaries()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(formatBytes(bytes), text);
}

void TestFormatBytes::rateRoundsTheSameWay()
{
    QCOMPARE(formatRate(1048575.4), QStringLiteral("1.0 MiB/s"));
    QCOMPARE(formatRate(1048063.0), QStringLiteral("1023 KiB/s"));
    QCOMPARE(formatRate(16384.0), QStringLiteral("16 KiB/s"));
    QCOMPARE(formatRate(1023.6), QStringLiteral("1.0 KiB/s"));
}

QTEST_GUILESS_MAIN(TestFormatBytes)
#include "tst_formatbytes.moc"
