#pragma once
/// \file labpipe.h
/// One pipe of the Pipe Lab: our transports on its ends, what flowed, what the kernel holds.
///
/// The ends we hold are a WritePipeTransport and a ReadPipeTransport; for a child process's
/// stdin the read end is the child's, for its stdout the write end is. Every transport
/// signal goes to the lab's LabEventLog. Views poll snapshot() on a timer (10-30 Hz); a
/// LabPipe never pushes a change per read.

#include "error.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <deque>
#include <optional>

namespace PipeScope {

class FifoWriterOpener;
class LabChild;
class LabEventLog;
class LabGenerator;
class LabSlowConsumer;
class ReadPipeTransport;
class WritePipeTransport;
struct LabPipeSnapshot;

class LabPipe : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Anonymous, Fifo, ChildStdin, ChildStdout, ChildStderr };
    Q_ENUM(Kind)
    enum class ReaderState {
        External,  ///< the read end is not ours (a child's stdin, or nobody yet for a FIFO)
        NotOpen,   ///< ours, not opened yet (FIFO without a lab reader)
        Reading,
        Paused,    ///< Pause reading pressed: bytes stay in the kernel
        Throttled, ///< paused for now by the slow consumer
        Eof,       ///< the writer side closed and everything was read
        Closing,
        Closed,
        Failed,    ///< ended with an error (see readerError)
    };
    Q_ENUM(ReaderState)
    enum class WriterState {
        External,         ///< the write end is not ours (a child's stdout)
        NotOpen,
        WaitingForReader, ///< FIFO open waits for a reader (a blocking open() would hang here)
        Writing,
        WritingPaused,    ///< transport buffer above the high-water mark
        Closing,          ///< writeEof()/close(): flushing the buffer, then closing
        Closed,
        Broken,           ///< EPIPE: the reader went away
        Failed,           ///< another error (see writerError)
    };
    Q_ENUM(WriterState)

    /// Which FIFO at a path the lab may use.
    enum class FifoAccess {
        OursOnly,    ///< create it, or use one we own; a symlink or another user's FIFO is refused
        AnyExisting, ///< the user chose an existing FIFO, whoever owns it (the log says whose)
    };
    Q_ENUM(FifoAccess)

    /// Rates in bytes per second over one sampling interval.
    struct RateSample
    {
        double written = 0;
        double read = 0;
    };

    static constexpr qsizetype ReceivedTailSize = 16 * 1024;
    static constexpr int HistorySize = 240;
    static constexpr qint64 MaxSendFileSize = 64 * 1024 * 1024;

    LabPipe(int id, Kind kind, const QString &name, LabEventLog *log, QObject *parent = nullptr);
    ~LabPipe() override;

    int id() const { return m_id; }
    Kind kind() const { return m_kind; }
    QString name() const { return m_name; }
    QString fifoPath() const { return m_fifoPath; }
    static QString kindName(Kind kind);

    /// Opens both ends on a new anonymous pipe.
    bool openAnonymous(Error *error);
    /// Creates the FIFO at \a path if needed (see FifoAccess for what may already be there),
    /// starts the writer's open (it waits for a reader) and opens the lab's reader if
    /// \a openReader. Both ends are checked to be the FIFO that was checked at the path, so
    /// one swapped in meanwhile is refused, not written to.
    bool openFifo(const QString &path, bool openReader, Error *error,
                  FifoAccess access = FifoAccess::OursOnly);
    /// FIFO only: opens the lab's read end now (the waiting writer then connects).
    bool openFifoReader(Error *error);
    /// Child pipes: our end, from ChildProcess::takeStdinFd()/takeStdoutFd().
    bool adoptChildFd(int fd, LabChild *child, Error *error);

    WritePipeTransport *writer() const { return m_writer; }
    ReadPipeTransport *reader() const { return m_reader; }
    LabGenerator *generator() const { return m_generator; }
    LabSlowConsumer *slowConsumer() const { return m_consumer; }
    LabChild *child() const;

    // Writer side.
    /// Writes \a data, or while a FIFO's writer waits for a reader keeps it until the FIFO
    /// opens (the timeline says "queued", then "write" once written); once the writer is
    /// closed or broken the bytes are refused and the timeline says "dropped". Only bytes
    /// handed to the transport are logged as a write.
    void send(const QByteArray &data);
    /// Bytes send() keeps until the FIFO's reader arrives (counted in the snapshot's
    /// writeBufferSize: they are in user space, waiting).
    qsizetype pendingUntilOpen() const { return m_pendingUntilOpen.size(); }
    /// "de ad be ef", "deadbeef", "0x41,0x42": false with \a error naming the bad token.
    bool sendHex(const QString &hex, Error *error);
    bool sendFile(const QString &path, Error *error);
    static std::optional<QByteArray> parseHex(const QString &hex, Error *error);
    void writeEof();
    void closeWriter();
    void abortWriter();
    bool setWriteBufferLimits(qint64 high, qint64 low, Error *error);

    // Reader side.
    void pauseReading();
    void resumeReading();
    bool isPausedByUser() const { return m_userPaused; }
    void closeReader();
    void abortReader();

    // Kernel.
    /// An fd we hold on this pipe (the reader's, else the writer's), or -1.
    int kernelFd() const;
    /// F_SETPIPE_SZ; the capacity set, or nullopt and \a error with the kernel's refusal.
    std::optional<int> setCapacity(int bytes, Error *error);
    /// The first \a n bytes still queued in the kernel, not consumed (tee).
    std::optional<QByteArray> peek(qsizetype n, Error *error) const;

    /// The last ReceivedTailSize bytes read, and the stream offset of their first byte.
    QByteArray receivedTail() const { return m_received; }
    quint64 receivedTailOffset() const;
    quint64 bytesRead() const;
    /// Bytes our writer handed to the kernel, or -1 when the write end is a child's.
    qint64 bytesWritten() const;

    /// Throughput history, oldest first, one sample per sampleRates() call.
    const std::deque<RateSample> &history() const { return m_history; }
    void sampleRates(qint64 nowNs);
    /// Drives the generator and the slow consumer (called by the lab's timer).
    void tick(qint64 nowNs);

    /// Being removed from the lab: stops the generator, closes our ends, logs nothing more.
    void retire();

    ReaderState readerState() const;
    WriterState writerState() const;
    LabPipeSnapshot snapshot() const;

private:
    void createWriter();
    void createReader();
    void connectWriter();
    void connectReader();
    void connectFifoOpener();
    bool checkFifoAtPath(FifoAccess access, Error *error);
    bool isCheckedFifo(int fd, Error *error) const;
    void writePending();
    void onDataReceived(const QByteArray &data);
    void applyReading();
    void log(const QString &end, const QString &event, const QString &detail = {}) const;
    static QString errnoText(int error);

    int m_id;
    Kind m_kind;
    QString m_name;
    QString m_fifoPath;
    QPointer<LabEventLog> m_log;
    WritePipeTransport *m_writer = nullptr;
    ReadPipeTransport *m_reader = nullptr;
    FifoWriterOpener *m_fifoOpener = nullptr;
    quint64 m_fifoDevice = 0; ///< the FIFO checked at m_fifoPath: what our ends must open
    quint64 m_fifoInode = 0;
    LabGenerator *m_generator = nullptr;
    LabSlowConsumer *m_consumer = nullptr;
    QPointer<LabChild> m_child;
    QByteArray m_received;
    QByteArray m_pendingUntilOpen;
    bool m_userPaused = false;
    bool m_eof = false;
    std::deque<RateSample> m_history;
    qint64 m_lastSampleNs = -1;
    quint64 m_lastWritten = 0;
    quint64 m_lastRead = 0;
};

/// A value copy of what a view shows about one pipe.
struct LabPipeSnapshot
{
    int id = 0;
    QString name;
    LabPipe::Kind kind = LabPipe::Kind::Anonymous;
    QString detail;                ///< FIFO path or child command line
    LabPipe::WriterState writerState = LabPipe::WriterState::External;
    LabPipe::ReaderState readerState = LabPipe::ReaderState::External;
    QString writerError;           ///< "EPIPE (Broken pipe)" when Broken/Failed
    QString readerError;
    qint64 queued = -1;            ///< FIONREAD, -1 if we hold no fd on the pipe
    qint64 capacity = -1;          ///< F_GETPIPE_SZ
    qint64 writeBufferSize = 0;
    qint64 lowWater = 0;
    qint64 highWater = 0;
    qint64 bytesWritten = -1;
    quint64 bytesRead = 0;
    double writeRate = 0;          ///< bytes/s over the last second
    double readRate = 0;
    bool generatorRunning = false;
    qint64 generatorRate = 0;
    int generatorChunk = 0;
    qint64 readerMaxRate = 0;
    int childPid = -1;
    QString childState;            ///< "blocked writing: its output pipe is full", "exited with status 0"
    bool childBlocked = false;     ///< the child sleeps in the pipe code
    bool childBlockedWriting = false; ///< ...in write() to its stdout (else, if blocked, in read())
    bool childRunning = false;

    bool operator==(const LabPipeSnapshot &other) const;
    bool operator!=(const LabPipeSnapshot &other) const { return !(*this == other); }
};

} // namespace PipeScope
