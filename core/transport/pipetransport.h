#pragma once
/// \file pipetransport.h
/// The base of PipeScope's asyncio-style pipe transports (see docs/transport-contract.md).
///
/// SIGPIPE: the first open() of any transport sets SIGPIPE to SIG_IGN for the whole process
/// if its disposition is still SIG_DFL, as qtbase does for its own sockets. A handler the
/// application installed is left alone. A reader that goes away therefore shows up as
/// connectionLost(EPIPE), never as a dead process.
///
/// O_NONBLOCK is set on the open file description, which a child sharing the fd sees too
/// (as with asyncio); it is not restored.

#include "error.h"
#include "pipescopeexport.h"

#include <QObject>
#include <QString>

#include <functional>
#include <vector>

class QSocketNotifier;

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT PipeTransport : public QObject
{
    Q_OBJECT
public:
    enum class Direction { Read, Write };
    Q_ENUM(Direction)

    /// Disables the notifiers and closes the fd; emits nothing.
    ~PipeTransport() override;

    /// Takes ownership of \a fd: a pipe, FIFO, character device or socket opened for this
    /// transport's direction. On refusal returns false, sets errorString() and leaves the fd
    /// open and untouched. connectionMade() follows from the event loop, never inside open().
    bool open(int fd);

    Direction direction() const { return m_direction; }
    /// The fd, or -1 before open() and once closed (at the latest when connectionLost is emitted).
    int fd() const { return m_fd; }
    bool isOpen() const { return m_fd >= 0; }
    /// True from close()/abort()/writeEof()/EOF/error on.
    bool isClosing() const { return m_closing; }
    /// True once connectionLost has been emitted.
    bool isLost() const { return m_lost; }
    /// The errno of the last failure, 0 if none: an open() refusal, the connection's loss, or
    /// (WritePipeTransport) refused write-buffer limits, which leave the transport working.
    int error() const { return m_error.code(); }
    QString errorString() const { return m_error.message(); }
    /// The last failure, as error() and errorString() give it; empty if none.
    const Error &lastError() const { return m_error; }

    /// Ends the transport; see the derived classes for what happens to buffered bytes.
    /// Idempotent, fine after the end, never emits synchronously.
    virtual void close() = 0;
    /// Ends the transport at once, dropping whatever is buffered. Idempotent.
    virtual void abort();

Q_SIGNALS:
    void connectionMade();
    /// Exactly once per opened transport, queued; \a error is 0 for a clean end or an errno
    /// (EPIPE: the reader went away). The notifiers are off and the fd closed before it.
    void connectionLost(int error);

protected:
    PipeTransport(Direction direction, QObject *parent);

    /// Ends the transport: notifiers off, fd closed, connectionLost(err) queued. Once only.
    void closeWithError(int error);
    /// Runs \a emitter (which emits a state signal) now, or right after connectionMade if
    /// that has not come yet, so no signal ever precedes connectionMade. The emitter may
    /// delete this transport: callers guard with QPointer.
    void emitWhenConnected(std::function<void()> emitter);
    void setError(int error, const QString &message);
    /// Marks the transport closing without ending it yet (a writer still flushing).
    void beginClosing() { m_closing = true; }
    /// True until closeWithError() ran.
    bool isEnding() const { return m_lostQueued; }
    QSocketNotifier *readNotifier() const { return m_readNotifier; }
    QSocketNotifier *writeNotifier() const { return m_writeNotifier; }
    bool isConnected() const { return m_made; }

    /// Called in the deferred start step after connectionMade, only if not closing.
    virtual void startNotifiers() = 0;
    virtual void onReadActivated() { }
    virtual void onWriteActivated() { }
    /// The fd is about to be closed: drop buffers, forget state.
    virtual void aboutToClose() { }

private:
    bool acceptFd(int fd);
    void startConnection();
    void emitLost(int error);
    void disableNotifiers();

    Direction m_direction;
    int m_fd = -1;
    bool m_closing = false;
    bool m_lostQueued = false;
    bool m_lost = false;
    bool m_made = false;
    Error m_error;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    std::vector<std::function<void()>> m_signalsAfterMade;
};

} // namespace PipeScope
