#include "pipetransport.h"

#include "sys.h"
#include "transportlogging.h"

#include <QEvent>
#include <QMetaObject>
#include <QPointer>
#include <QSocketNotifier>

#include <csignal>
#include <cstring>
#include <sys/stat.h>

namespace PipeScope {

namespace {

// As qtbase's qt_ignore_sigpipe(): ignore SIGPIPE once, unless the application chose a
// handler. Without it, a write to a pipe whose reader left kills the whole process.
void ignoreSigpipeOnce()
{
    static const bool done = [] {
        struct sigaction current {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
            struct sigaction ignore {};
            ignore.sa_handler = SIG_IGN;
            ::sigaction(SIGPIPE, &ignore, nullptr);
        }
        return true;
    }();
    Q_UNUSED(done);
}

QString fileTypeName(mode_t mode)
{
    if (S_ISREG(mode))
        return QStringLiteral("a regular file");
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISLNK(mode))
        return QStringLiteral("a symbolic link");
    return QStringLiteral("not a pipe");
}

bool isPipeLike(mode_t mode)
{
    return S_ISFIFO(mode) || S_ISCHR(mode) || S_ISSOCK(mode);
}

// A notifier that calls its transport's handler straight from the dispatcher's SockAct event.
// QSocketNotifier::event() emits two signals per activation (activated(QSocketDescriptor,
// Type) and the old activated(int)), which at 64 KiB chunks were ~400 instructions of the
// ~9,000 a whole pipe-fill cycle takes in user space (callgrind). The handler may delete the
// transport and with it this notifier, exactly as a slot of activated() may: nothing here
// touches the notifier after the call.
class TransportNotifier : public QSocketNotifier
{
public:
    using Handler = void (PipeTransport::*)();
    TransportNotifier(int fd, Type type, PipeTransport *transport, Handler handler)
        : QSocketNotifier(fd, type, transport), m_transport(transport), m_handler(handler)
    {
    }

protected:
    bool event(QEvent *event) override
    {
        if (event->type() != QEvent::SockAct && event->type() != QEvent::SockClose)
            return QSocketNotifier::event(event); // e.g. ThreadChange re-enables it there
        (m_transport->*m_handler)();
        return true;
    }

private:
    PipeTransport *m_transport;
    Handler m_handler;
};

} // namespace

PipeTransport::PipeTransport(Direction direction, QObject *parent)
    : QObject(parent), m_direction(direction)
{
}

PipeTransport::~PipeTransport()
{
    // No signal from here: the receiver may be half destroyed already.
    disableNotifiers();
    Sys::close(m_fd);
}

bool PipeTransport::open(int fd)
{
    if (!acceptFd(fd))
        return false;
    ignoreSigpipeOnce();
    m_fd = fd;
    m_error = Error();
    m_readNotifier = new TransportNotifier(fd, QSocketNotifier::Read, this, &PipeTransport::onReadActivated);
    m_readNotifier->setEnabled(false);
    if (m_direction == Direction::Write) {
        m_writeNotifier = new TransportNotifier(fd, QSocketNotifier::Write, this, &PipeTransport::onWriteActivated);
        m_writeNotifier->setEnabled(false);
    }
    // call_soon(connection_made): nothing is signalled inside open().
    QMetaObject::invokeMethod(this, &PipeTransport::startConnection, Qt::QueuedConnection);
    return true;
}

bool PipeTransport::acceptFd(int fd)
{
    if (m_fd >= 0 || m_lostQueued) {
        setError(EBUSY, QStringLiteral("transport already opened (fd %1)").arg(m_fd));
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        setError(err, QStringLiteral("fstat fd %1: %2").arg(fd).arg(Sys::errorText(err)));
        return false;
    }
    if (!isPipeLike(st.st_mode)) {
        setError(EINVAL, QStringLiteral("fd %1 is %2; a pipe transport needs a pipe, FIFO, "
                                        "character device or socket")
                                 .arg(fd)
                                 .arg(fileTypeName(st.st_mode)));
        return false;
    }
    const int flags = Sys::fcntl(fd, F_GETFL);
    const int mode = flags & O_ACCMODE;
    const bool readable = mode == O_RDONLY || mode == O_RDWR;
    const bool writable = mode == O_WRONLY || mode == O_RDWR;
    if (flags == -1 || (m_direction == Direction::Read ? !readable : !writable)) {
        setError(EBADF, QStringLiteral("fd %1 is not open for %2")
                                .arg(fd)
                                .arg(m_direction == Direction::Read ? QStringLiteral("reading")
                                                                    : QStringLiteral("writing")));
        return false;
    }
    if (!(flags & O_NONBLOCK) && Sys::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
        const int err = errno;
        setError(err, QStringLiteral("fcntl(F_SETFL, O_NONBLOCK) fd %1: %2")
                              .arg(fd)
                              .arg(Sys::errorText(err)));
        return false;
    }
    return true;
}

void PipeTransport::startConnection()
{
    QPointer<PipeTransport> guard(this);
    m_made = true;
    Q_EMIT connectionMade();
    if (!guard)
        return;
    // Signals for state changes made before connectionMade, in the order they happened.
    auto pending = std::move(m_signalsAfterMade);
    m_signalsAfterMade.clear();
    for (auto &emitter : pending) {
        emitter();
        if (!guard)
            return;
    }
    // Enabled here and only if still wanted, so pauseReading()/close() inside a
    // connectionMade handler holds (asyncio adds its reader unconditionally). A writer that
    // is closing still flushes, so only an ended transport skips this.
    if (!m_lostQueued)
        startNotifiers();
}

void PipeTransport::emitWhenConnected(std::function<void()> emitter)
{
    if (m_made)
        emitter();
    else
        m_signalsAfterMade.push_back(std::move(emitter));
}

void PipeTransport::abort()
{
    close();
}

void PipeTransport::closeWithError(int error)
{
    if (m_lostQueued || m_fd < 0)
        return;
    m_closing = true;
    m_lostQueued = true;
    if (error != 0 && m_error.code() == 0)
        setError(error, QStringLiteral("fd %1: %2").arg(m_fd).arg(Sys::errorText(error)));
    aboutToClose();
    // Notifiers off before close(): a closed fd left in the poll set is reported as POLLNVAL.
    disableNotifiers();
    Sys::close(m_fd);
    m_fd = -1;
    QMetaObject::invokeMethod(
            this, [this, error] { emitLost(error); }, Qt::QueuedConnection);
}

void PipeTransport::emitLost(int error)
{
    m_lost = true;
    Q_EMIT connectionLost(error);
}

void PipeTransport::disableNotifiers()
{
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
}

void PipeTransport::setError(int error, const QString &message)
{
    m_error = Error(message, error);
}

} // namespace PipeScope
