// Model-based random test of the transports: random operation sequences on a real
// WritePipeTransport → ReadPipeTransport pair (or through a child `cat`), every step checked
// against a small reference model of the contract in docs/transport-contract.md.
//
// Reproducible: sequence i runs with seed base+i; a failure prints the seed and how to rerun
// it alone. PIPESCOPE_MODEL_SEED sets the base seed, PIPESCOPE_MODEL_SEQUENCES the count (the
// soak: PIPESCOPE_MODEL_SEQUENCES=100000).
#include "testsupport.h"
#include "transportmodel.h"

#include <QTest>

#include <csignal>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

quint64 envNumber(const char *name, quint64 fallback)
{
    bool ok = false;
    const quint64 value = qEnvironmentVariable(name).toULongLong(&ok);
    return ok ? value : fallback;
}

} // namespace

class TestTransportModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void randomSequences_data();
    void randomSequences();
    void failureNamesTheSeed();
};

void TestTransportModel::initTestCase()
{
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, which
    // the transports turn into SIG_IGN (a reader that leaves is then EPIPE, never a death).
    std::signal(SIGPIPE, SIG_DFL);
}

void TestTransportModel::randomSequences_data()
{
    QTest::addColumn<bool>("throughCat");
    QTest::addColumn<quint64>("sequences");
    const quint64 count = envNumber("PIPESCOPE_MODEL_SEQUENCES", 800);
    QTest::newRow("pipe pair") << false << count;
    QTest::newRow("through cat") << true << qMax<quint64>(1, count / 10);
}

void TestTransportModel::randomSequences()
{
    QFETCH(bool, throughCat);
    QFETCH(quint64, sequences);
    const quint64 base = envNumber("PIPESCOPE_MODEL_SEED", 20261206);
    const QMap<int, QString> fdsBefore = fdLinks(::getpid());
    ModelStats stats;
    for (quint64 i = 0; i < sequences; ++i) {
        const quint64 seed = base + i;
        QString failure;
        QString steps;
        {
            TransportModelRun run(seed, throughCat);
            failure = run.execute(&stats);
            steps = run.trace();
        }
        if (!failure.isEmpty()) {
            QFAIL(qPrintable(QStringLiteral("seed %1 (%2): %3\n  rerun: PIPESCOPE_MODEL_SEED=%1 "
                                            "PIPESCOPE_MODEL_SEQUENCES=1 ./tst_transportmodel\n"
                                            "  steps: %4")
                                     .arg(QString::number(seed), QString::fromUtf8(QTest::currentDataTag()),
                                          failure, steps)));
        }
        QCOMPARE(fdLinks(::getpid()), fdsBefore); // every sequence gives back its fds
    }
    qInfo("%llu sequences, %llu operations, %llu bytes delivered, %llu peer losses, %llu deletes "
          "in a handler",
          sequences, stats.operations, stats.bytesDelivered, stats.peerLosses, stats.deletes);
    QVERIFY(stats.operations > sequences * 4);
}

// The harness itself must be able to fail: a model that expects one byte more than was
// written reports a mismatch naming the seed's steps.
void TestTransportModel::failureNamesTheSeed()
{
    TransportModelRun run(1, false);
    run.expectExtraByteForSelfTest();
    ModelStats stats;
    const QString failure = run.execute(&stats);
    QVERIFY2(failure.contains(QStringLiteral("bytes")), qPrintable(failure));
}

QTEST_GUILESS_MAIN(TestTransportModel)
#include "tst_transportmodel.moc"
