#include "statepresentation.h"

#include <QCoreApplication>
#include <QHash>

#include <cmath>

namespace PipeScope::Ui {

StateLook StatePresentation::reader(LabPipe::ReaderState state)
{
    using S = LabPipe::ReaderState;
    switch (state) {
    case S::External:
        return { QStringLiteral("process"), QStringLiteral("child process"),
                 QStringLiteral("The read end belongs to a child process, not to the lab.") };
    case S::NotOpen:
        return { QStringLiteral("notopen"), QStringLiteral("no reader"),
                 QStringLiteral("The lab has not opened this FIFO for reading. A writer's open() "
                                "waits until some process opens the FIFO to read.") };
    case S::Reading:
        return { QStringLiteral("reading"), QStringLiteral("reading"),
                 QStringLiteral("The reader takes bytes out of the kernel buffer as soon as they "
                                "arrive, so the buffer stays nearly empty.") };
    case S::Paused:
        return { QStringLiteral("paused"), QStringLiteral("paused"),
                 QStringLiteral("The reader does not read: bytes stay in the kernel buffer until it "
                                "is full, then the writer has to wait (back-pressure).") };
    case S::Throttled:
        return { QStringLiteral("throttled"), QStringLiteral("throttled"),
                 QStringLiteral("The simulated slow consumer paused reading for a moment to stay "
                                "under its maximum rate.") };
    case S::Eof:
        return { QStringLiteral("eof"), QStringLiteral("EOF"),
                 QStringLiteral("End of file: every write end was closed and the reader has read "
                                "everything that was queued.") };
    case S::Closing:
        return { QStringLiteral("closing"), QStringLiteral("closing"),
                 QStringLiteral("The reader is being closed; bytes still queued stay in the kernel.") };
    case S::Closed:
        return { QStringLiteral("closed"), QStringLiteral("closed"),
                 QStringLiteral("The read end is closed. A writer that writes now gets EPIPE.") };
    case S::Failed:
        return { QStringLiteral("failed"), QStringLiteral("error"),
                 QStringLiteral("Reading failed with an error (see the timeline).") };
    }
    return {};
}

StateLook StatePresentation::writer(LabPipe::WriterState state)
{
    using S = LabPipe::WriterState;
    switch (state) {
    case S::External:
        return { QStringLiteral("process"), QStringLiteral("child process"),
                 QStringLiteral("The write end belongs to a child process, not to the lab.") };
    case S::NotOpen:
        return { QStringLiteral("notopen"), QStringLiteral("not open"),
                 QStringLiteral("The write end is not open yet.") };
    case S::WaitingForReader:
        return { QStringLiteral("waiting"), QStringLiteral("waiting for a reader"),
                 QStringLiteral("Opening a FIFO for writing waits until a reader opens it; a "
                                "blocking open() would hang right here. Open a reader to continue.") };
    case S::Writing:
        return { QStringLiteral("writing"), QStringLiteral("writing"),
                 QStringLiteral("The writer hands its bytes to the kernel; whatever the pipe cannot "
                                "take right now waits in the transport buffer.") };
    case S::WritingPaused:
        return { QStringLiteral("writing-paused"), QStringLiteral("writing paused"),
                 QStringLiteral("The transport buffer grew above its high-water mark, so the "
                                "producer is told to stop until it drains to the low-water mark.") };
    case S::Closing:
        return { QStringLiteral("closing"), QStringLiteral("closing"),
                 QStringLiteral("Write EOF or Close was asked: the buffered bytes are flushed first, "
                                "then the write end closes and the reader sees EOF.") };
    case S::Closed:
        return { QStringLiteral("closed"), QStringLiteral("closed"),
                 QStringLiteral("The write end is closed. Once the queued bytes are read, the "
                                "reader sees EOF.") };
    case S::Broken:
        return { QStringLiteral("broken"), QStringLiteral("broken (EPIPE)"),
                 QStringLiteral("The reader went away: writing to a pipe without readers fails with "
                                "EPIPE (and SIGPIPE kills a process that does not ignore it).") };
    case S::Failed:
        return { QStringLiteral("failed"), QStringLiteral("error"),
                 QStringLiteral("Writing failed with an error (see the timeline).") };
    }
    return {};
}

StateLook StatePresentation::child(bool blocked, bool running)
{
    if (!running)
        return { QStringLiteral("closed"), QStringLiteral("child exited"),
                 QStringLiteral("The child process has exited; its end of the pipe is closed.") };
    if (blocked)
        return { QStringLiteral("blocked"), QStringLiteral("child blocked"),
                 QStringLiteral("The child sleeps in the kernel's pipe code: in write() on a full "
                                "pipe or in read() on an empty one (from /proc/PID/wchan).") };
    return { QStringLiteral("process"), QStringLiteral("child process"),
             QStringLiteral("This end belongs to a child process; its state comes from "
                            "/proc/PID/stat and /proc/PID/wchan.") };
}

namespace {

QHash<QString, QIcon> &iconCache()
{
    static QHash<QString, QIcon> cache;
    static const bool registered = [] {
        // Pixmaps are released with the application, not at static destruction.
        qAddPostRoutine([] { iconCache().clear(); });
        return true;
    }();
    Q_UNUSED(registered);
    return cache;
}

} // namespace

QIcon StatePresentation::icon(const QString &name)
{
    QHash<QString, QIcon> &cache = iconCache();
    auto it = cache.find(name);
    if (it == cache.end()) {
        QIcon icon;
        for (int size : { 16, 32, 64 })
            icon.addFile(QStringLiteral(":/pipescope/%1-%2.png").arg(name).arg(size), QSize(size, size));
        it = cache.insert(name, icon);
    }
    return it.value();
}

QString StatePresentation::kernelBufferTooltip()
{
    return QStringLiteral("Bytes written but not yet read, held by the kernel (FIONREAD). The kernel "
                          "stores them in page slots of 4 KiB; when no slot is free a writer must "
                          "wait, sometimes with the buffer only half full.");
}

QString StatePresentation::capacityTooltip()
{
    return QStringLiteral("How much the pipe can hold (F_GETPIPE_SZ): a power-of-two number of "
                          "pages, 64 KiB by default. F_SETPIPE_SZ changes it; the kernel refuses "
                          "sizes above /proc/sys/fs/pipe-max-size (EPERM) or below what is queued (EBUSY).");
}

QString StatePresentation::transportBufferTooltip()
{
    return QStringLiteral("Bytes the writer transport holds in user space because the kernel pipe "
                          "could not take them yet. They are written when the pipe has room.");
}

QString StatePresentation::waterMarksTooltip()
{
    return QStringLiteral("Flow control: above the high-water mark the transport says "
                          "writingPaused and the producer should stop; at or below the low-water "
                          "mark it says writingResumed.");
}

QString StatePresentation::slowConsumerTooltip()
{
    return QStringLiteral("Simulates a slow reader: reading pauses whenever more than this many "
                          "bytes per second were read, so the pipe fills and back-pressure shows. "
                          "0 means no limit.");
}

QString StatePresentation::generatorTooltip()
{
    return QStringLiteral("Writes numbered text lines (or random bytes) at this rate, in writes of "
                          "the chunk size. It stops producing while the writer is paused, so "
                          "nothing is buffered without bound.");
}

QString StatePresentation::peekTooltip()
{
    return QStringLiteral("The first bytes still queued in the kernel, copied with tee(2) without "
                          "consuming them: the reader will still get them.");
}

QString formatBytes(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("—");
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    // Each unit is chosen for the number as printed, after rounding: 10239 B is "10 KiB"
    // (not "10.0 KiB"), 1048575 B is "1.0 MiB" (not "1024 KiB").
    const double kib = double(bytes) / 1024;
    if (std::round(kib * 10) < 100)
        return QStringLiteral("%1 KiB").arg(kib, 0, 'f', 1);
    if (std::round(kib) < 1024)
        return QStringLiteral("%1 KiB").arg(kib, 0, 'f', 0);
    const double mib = kib / 1024;
    if (std::round(mib * 10) < 1024 * 10)
        return QStringLiteral("%1 MiB").arg(mib, 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(mib / 1024, 0, 'f', 2);
}

QString formatRate(double bytesPerSecond)
{
    return formatBytes(qint64(bytesPerSecond + 0.5)) + QStringLiteral("/s");
}

} // namespace PipeScope::Ui
