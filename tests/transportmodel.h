#pragma once
/// \file transportmodel.h
/// One random operation sequence on a real transport pair, checked step by step against a
/// reference model of the transport contract (docs/transport-contract.md). Used by
/// tst_transportmodel (thousands of seeds) and can be driven longer as a soak.

#include <pipescope/childprocess.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QPointer>
#include <QRandomGenerator>
#include <QStringList>

namespace PipeScope::Test {

struct ModelStats
{
    quint64 operations = 0;
    quint64 bytesDelivered = 0;
    quint64 peerLosses = 0;
    quint64 deletes = 0;
};

/// What the contract says one side may do next: its signals so far and its state.
struct SideModel
{
    int made = 0;
    int lost = 0;
    int lostError = -1;
    bool closing = false;     ///< close()/abort()/writeEof() called, or lost
    bool gone = false;        ///< deleted by the test
    int pausedSignals = 0;
    int resumedSignals = 0;
};

class TransportModelRun : public QObject
{
public:
    TransportModelRun(quint64 seed, bool throughCat);
    ~TransportModelRun() override;

    /// Runs the sequence; an empty string, or the first contract violation seen.
    QString execute(ModelStats *stats);
    /// The operations done so far, for the failure message.
    QString trace() const { return m_trace.join(QStringLiteral(", ")); }
    /// Makes the final byte count check fail on purpose (the test of the test).
    void expectExtraByteForSelfTest() { m_selfTestExtra = 1; }

private:
    bool setUp();
    void connectWriter();
    void connectReader();
    void step();
    void doWrite(qsizetype size);
    void doWriteLines();
    void doSetLimits();
    void doReaderPause(bool pause);
    void doWriterEnd(int how);
    void doReaderEnd(int how);
    void doPeerKill();
    void runLoop(int rounds);
    bool settle();
    void checkFinal();
    void checkQuiescent();
    void checkWriterState();
    void checkReaderState();
    void onData(const QByteArray &chunk);
    void onEof();
    void onWriterLost(int error);
    void onReaderLost(int error);
    void fail(const QString &what);
    qsizetype randomSize();
    QByteArray streamBytes(qsizetype size);
    void writerEnded(bool flushes);

    QRandomGenerator m_random;
    bool m_throughCat;
    QPointer<WritePipeTransport> m_writer;
    QPointer<ReadPipeTransport> m_reader;
    ChildProcess *m_cat = nullptr;
    SideModel m_w;
    SideModel m_r;
    bool m_readerPaused = false;
    bool m_limitsChangedWhilePaused = false;
    bool m_deleteReaderOnData = false;
    bool m_deleteWriterOnPause = false;
    bool m_eof = false;
    bool m_peerGone = false;       ///< the reader side closed or the cat was killed
    qint64 m_writerEndTotal = -1;  ///< bytes the reader must get in the end, once known
    quint64 m_accepted = 0;        ///< bytes write() accepted
    quint64 m_discarded = 0;       ///< accepted bytes dropped by abort, delete or EPIPE
    quint64 m_dropped = 0;         ///< write() calls the contract says are ignored
    quint64 m_received = 0;
    quint64 m_selfTestExtra = 0;
    QStringList m_trace;
    QString m_failure;
    ModelStats *m_stats = nullptr;
};

} // namespace PipeScope::Test
