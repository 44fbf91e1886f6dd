#pragma once
/// \file labeventlog.h
/// The Pipe Lab's timeline: every transport signal of every lab pipe, with a monotonic time.
///
/// dataReceived can fire thousands of times a second, so data (and writes) are coalesced:
/// noteData() accumulates per pipe end, and one "N bytes in K chunks" entry is appended at
/// flush() (the lab calls it a few times a second) or just before the next event, so the
/// entries stay in time order. The log keeps the newest MaxEntries.

#include "error.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>

#include <deque>

namespace PipeScope {

struct LabEvent
{
    quint64 seq = 0;      ///< 1, 2, 3...: never reused, also across trimming
    qint64 timeNs = 0;    ///< nanoseconds since the log was created (monotonic clock)
    int pipeId = 0;
    QString pipe;         ///< the pipe's name
    QString end;          ///< "writer", "reader", "child" or "pipe"
    QString event;        ///< the signal name: connectionMade, dataReceived, writingPaused...
    QString detail;       ///< "4096 bytes in 3 chunks", "EPIPE (Broken pipe)"...
    qint64 bytes = -1;    ///< for coalesced data/write entries, else -1
    qint64 count = -1;    ///< chunks (data) or writes, else -1
};

class LabEventLog : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxEntries = 20000;

    explicit LabEventLog(QObject *parent = nullptr);

    /// Appends one event now (after flushing pending data of the same pipe end).
    void append(int pipeId, const QString &pipe, const QString &end, const QString &event,
                const QString &detail = {});
    /// Counts \a bytes in \a count chunks of \a event ("dataReceived" or "write") for later
    /// coalescing.
    void noteData(int pipeId, const QString &pipe, const QString &end, const QString &event,
                  qint64 bytes, qint64 count = 1);
    /// Appends the coalesced entries of every pipe end.
    void flush();
    void clear();

    const std::deque<LabEvent> &entries() const { return m_entries; }
    /// Sequence number of the next entry (entries have seq < nextSeq()).
    quint64 nextSeq() const { return m_nextSeq; }
    qint64 elapsedNs() const { return m_clock.nsecsElapsed(); }

    /// One JSON object per line: t (seconds), pipe, end, event, detail, bytes, count.
    QByteArray toJsonLines() const;
    /// RFC 4180 CSV with a header row.
    QByteArray toCsv() const;
    /// Writes toJsonLines() (\a csv false) or toCsv() to \a path; false with \a error on failure.
    bool exportTo(const QString &path, bool csv, Error *error) const;

Q_SIGNALS:
    /// Entries were appended or trimmed (emitted once per append/flush, not per data chunk).
    void changed();

private:
    struct Pending
    {
        int pipeId = 0;
        QString pipe;
        QString end;
        QString event;
        qint64 bytes = 0;
        qint64 count = 0;
        qint64 firstNs = 0;
    };
    void appendPending();
    void push(LabEvent event);

    QElapsedTimer m_clock;
    std::deque<LabEvent> m_entries;
    QHash<QString, Pending> m_pending;
    quint64 m_nextSeq = 1;
};

} // namespace PipeScope
