#pragma once
/// \file lessontools.h
/// Small kernel experiments the lessons share: fill a pipe, read its capacity, name an errno.
/// Private to core/lessons.

#include "error.h"
#include <QByteArray>
#include <QString>

namespace PipeScope {
class FifoWriterOpener;
class WritePipeTransport;
} // namespace PipeScope

namespace PipeScope::LessonTools {

/// F_GETPIPE_SZ, or -1.
int capacity(int fd);
/// F_SETPIPE_SZ: the new capacity, or -1 with errno.
int setCapacity(int fd, int bytes);
/// Sets O_NONBLOCK on \a fd; false on failure.
bool setNonBlocking(int fd);

struct FillResult {
    qint64 bytes = 0; ///< accepted before the write that failed
    int writes = 0; ///< successful write() calls
    int error = 0; ///< errno of the write that stopped the fill (EAGAIN when full)
};
/// Non-blocking writes of \a chunk bytes into \a fd until one fails or \a limit bytes are in.
FillResult fill(int fd, int chunk, qint64 limit = 1 << 30);
/// Reads (non-blocking) until EAGAIN or EOF; returns the bytes read, appends them to \a sink
/// if given. *eof is set when read() returned 0.
qint64 drain(int fd, QByteArray *sink = nullptr, bool *eof = nullptr, int readSize = 65536);

struct QuietWrite {
    ssize_t result = 0;
    int error = 0; ///< errno when result is -1
    bool sigpipeRaised = false; ///< the kernel raised SIGPIPE for this write (and we consumed it)
};
/// One write() that cannot be killed by SIGPIPE whatever the process disposition: SIGPIPE is
/// blocked in this thread for the call, and a SIGPIPE it raised is consumed with sigtimedwait
/// (the kernel sends it to the thread that wrote, see pipe(7)).
QuietWrite writeWithoutSigpipe(int fd, const void *data, size_t size);

/// Once a reader has the FIFO at \a path open, \a writer writes \a data, then EOF; \a opener
/// waits for that reader without blocking. False with *error if the opener cannot start.
bool writeWhenFifoOpens(const QString &path, const QByteArray &data, FifoWriterOpener &opener,
                        WritePipeTransport &writer, Error *error);

/// "EAGAIN", "EPIPE"... (strerrorname_np), or the number.
QString errnoName(int error);
/// "EAGAIN (Resource temporarily unavailable)".
QString errnoText(int error);
/// "65536 bytes" / "1 byte"; large sizes also in KiB/MiB.
QString bytes(qint64 n);
/// /proc/sys/fs/<name> as a number, or -1.
qint64 procSysFs(const QString &name);
/// True if this process has \a capability in its effective set (/proc/self/status CapEff).
bool hasCapability(int capability);
/// The st_ino of \a fd, or 0.
quint64 inode(int fd);
/// readlink(/proc/PID/fd/N), empty if unreadable.
QString fdLink(qint64 pid, int fd);

} // namespace PipeScope::LessonTools
