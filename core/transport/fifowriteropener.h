#pragma once
/// \file fifowriteropener.h
/// Opens the write side of a FIFO without blocking the event loop.
///
/// A blocking open(O_WRONLY) of a FIFO waits until a reader opens it, and a non-blocking one
/// fails with ENXIO while there is none (fifo(7)). This class tries the non-blocking open,
/// and on ENXIO keeps trying from the event loop until a reader appears or cancel().

#include "error.h"
#include "pipescopeexport.h"

#include <QObject>
#include <QString>
#include <QTimer>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT FifoWriterOpener : public QObject
{
    Q_OBJECT
public:
    static constexpr int RetryIntervalMs = 20;

    explicit FifoWriterOpener(QObject *parent = nullptr);
    ~FifoWriterOpener() override;

    /// Starts opening \a path. False at once (with errorString()) if it is not a FIFO or
    /// cannot be opened for another reason than "no reader yet". Otherwise connected() or
    /// waitingForReader() follows from the event loop.
    bool start(const QString &path);
    /// Stops waiting; emits cancelled() if it was waiting. No fd is left open.
    void cancel();
    bool isWaiting() const { return m_waiting; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error.message(); }
    /// The last failure (errorString() and its errno); empty if none.
    const Error &lastError() const { return m_error; }

Q_SIGNALS:
    /// No reader yet: the writer waits, exactly like a blocking open() would.
    void waitingForReader();
    /// A reader is there; the receiver owns \a fd (O_WRONLY, O_NONBLOCK, O_CLOEXEC).
    void connected(int fd);
    void cancelled();
    /// The open failed for a reason other than ENXIO after it had started waiting.
    void failed(const QString &error);

private:
    void tryOpen();

    QString m_path;
    Error m_error;
    QTimer m_retry;
    bool m_waiting = false;
    bool m_announcedWaiting = false;
};

} // namespace PipeScope
