#pragma once
/// \file transportmodel.h
/// One random operation sequence on a real WritePipeTransport → ReadPipeTransport pair (or a
/// writer to a child `cat` and a reader of its output), checked at every step and every signal
/// against a small reference model of the transport contract (docs/transport-contract.md):
/// states, isReading, isWritingPaused, writeBufferSize, droppedWrites, which signals may come
/// next, the bytes delivered in order, connectionMade and connectionLost exactly once.
/// Used by tst_transportmodel (thousands of seeds; more as a soak).

#include <pipescope/childprocess.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QPointer>
#include <QRandomGenerator>
#include <QStringList>

#include <memory>

namespace PipeScope::Test {

/// Totals over many runs, so the test can say what it covered.
struct ModelStats
{
    quint64 operations = 0;
    quint64 bytesDelivered = 0;
    quint64 peerLosses = 0; ///< writers that ended with EPIPE
    quint64 deletes = 0;    ///< transports deleted inside one of their own signals
};

/// What the model knows about one transport.
struct SideModel
{
    int made = 0;
    int lost = 0;
    bool closing = false; ///< we called close()/abort()/writeEof() while it was open
    bool aborted = false;
    bool gone = false;    ///< deleted by the test
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
    /// Makes the final byte count check expect one byte more than was written (the test of
    /// the test: it must then fail).
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
    void doReaderEnd(bool abort);
    void doPeerKill();
    void runLoop(int rounds);
    bool waitFor(const std::function<bool()> &done, int timeoutMs);
    void settle();
    void checkFinal();
    void checkState();
    void onData(const QByteArray &chunk);
    void onEof();
    void onWriterPaused();
    void onWriterResumed();
    void onWriterLost(int error);
    void onReaderLost(int error);
    void fail(const QString &what);
    qsizetype randomSize();
    QByteArray streamBytes(quint64 from, qsizetype size) const;
    bool writerAlive() const { return m_writer && !m_writer->isLost(); }
    bool readerAlive() const { return m_reader && !m_reader->isLost(); }

    QRandomGenerator m_random;
    bool m_throughCat;
    QPointer<WritePipeTransport> m_writer;
    QPointer<ReadPipeTransport> m_reader;
    std::unique_ptr<ChildProcess> m_cat;
    SideModel m_w;
    SideModel m_r;
    bool m_writingPaused = false;   ///< the model's isWritingPaused()
    bool m_readerPaused = false;    ///< the model's isPaused()
    bool m_deleteReaderOnData = false;
    bool m_deleteWriterOnPause = false;
    bool m_eof = false;
    bool m_peerGone = false;       ///< the reader side closed, was deleted, or cat was killed
    bool m_catKilled = false;
    qint64 m_writerEndTotal = -1;  ///< bytes the writer gave the kernel, once it ended
    quint64 m_accepted = 0;        ///< bytes write() took while open
    quint64 m_discarded = 0;       ///< accepted bytes dropped by abort()
    quint64 m_dropped = 0;         ///< write() calls the contract says are ignored
    quint64 m_received = 0;
    quint64 m_selfTestExtra = 0;
    QStringList m_trace;
    QString m_failure;
    ModelStats *m_stats = nullptr;
};

} // namespace PipeScope::Test
