// Lesson "transport-thread": a QSocketNotifier, and so a transport, belongs to the thread that
// made it. Another thread's write() buffers bytes Qt then refuses to arm the notifier for; a
// queued call runs the same write() in the transport's own thread.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "qtwarningcapture.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QSocketNotifier>
#include <QVariantMap>

#include <memory>
#include <thread>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr qsizetype Extra = 65536; ///< written from the worker: at the high-water mark, no pause
constexpr int StuckWindowMs = 300;
constexpr int DeliverMs = 2000;

/// One transport, one pipe, and a reader draining it in the event loop.
struct Trial {
    std::unique_ptr<WritePipeTransport> writer;
    std::unique_ptr<QtWarningCapture> capture;
    int readFd = -1;
    int capacity = 0;
    bool made = false;
    QByteArray sent;
    QByteArray received;
    QStringList warnings;
};

struct State {
    Trial wrongThread;
    Trial queued;
};

QByteArray bytesFrom(qsizetype offset, qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char('a' + (offset + i) % 26);
    return data;
}

/// Opens the trial's transport and continues with \a next once connectionMade came.
void openTrial(LessonContext &context, Trial &trial, const StepDone &done,
               std::function<void()> next)
{
    Error error;
    const auto pipe = context.makePipe(&error);
    if (!pipe || !T::setNonBlocking(pipe->read))
        return done(Observation::failure(error.message()));
    trial.readFd = pipe->read;
    trial.capacity = T::capacity(pipe->read);
    trial.writer = std::make_unique<WritePipeTransport>();
    QObject::connect(trial.writer.get(), &PipeTransport::connectionMade, trial.writer.get(),
                     [&trial] { trial.made = true; });
    if (!trial.writer->open(context.releaseFd(pipe->write)))
        return done(Observation::failure(trial.writer->errorString()));
    context.when([&trial] { return trial.made; }, 1000, [next](bool) { next(); })
        .recheckOn(trial.writer.get(), &PipeTransport::connectionMade);
}

/// The event loop's thread fills the kernel pipe (write() goes straight to the fd); returns
/// the Extra bytes the worker is to write next, counted as sent.
QByteArray fillKernel(Trial &trial)
{
    trial.sent = bytesFrom(0, trial.capacity);
    trial.writer->write(trial.sent);
    const QByteArray extra = bytesFrom(trial.sent.size(), Extra);
    trial.sent += extra;
    return extra;
}

/// A notifier of the event loop's thread reading the trial's pipe as it fills.
QSocketNotifier *readInLoop(LessonContext &context, Trial &trial)
{
    auto *reader = new QSocketNotifier(trial.readFd, QSocketNotifier::Read, &context);
    QObject::connect(reader, &QSocketNotifier::activated, reader,
                     [&trial] { T::drain(trial.readFd, &trial.received); });
    return reader;
}

Observation notifierRefused(const Trial &trial, qsizetype buffered)
{
    const QString said = trial.warnings.isEmpty() ? QStringLiteral("nothing")
                                                  : QStringLiteral("\"%1\"").arg(trial.warnings.join(QStringLiteral("\"; \"")));
    const bool refused = trial.warnings.join(u' ').contains(QLatin1String("another thread"));
    Observation o = Observation::check(
        refused && buffered == Extra && trial.received.size() == trial.capacity,
        QStringLiteral("Qt said %1; after %2 ms of reading, the reader has %3 of %4 and the "
                       "transport still holds %5")
            .arg(said)
            .arg(StuckWindowMs)
            .arg(trial.received.size())
            .arg(trial.sent.size())
            .arg(T::bytes(buffered)));
    o.why = QStringLiteral("The kernel pipe was full, so the worker's write() buffered the bytes "
                           "and asked the write notifier to wake the transport when there is "
                           "room. A QSocketNotifier may only be switched on in its own thread: "
                           "Qt printed the warning and did not register it, yet marked it "
                           "enabled, so no later call re-arms it. The reader emptied the pipe "
                           "and nothing refilled it: the bytes wait forever, without an error. "
                           "(The write also touched the transport's members from a second "
                           "thread, a data race ThreadSanitizer reports.)");
    o.values = {{QStringLiteral("warning"), trial.warnings.value(0)},
                {QStringLiteral("received"), trial.received.size()},
                {QStringLiteral("capacity"), trial.capacity},
                {QStringLiteral("buffered"), buffered}};
    return o;
}

void writeFromWorker(LessonContext &context, const StepDone &done)
{
    Trial &trial = context.state<State>().wrongThread;
    openTrial(context, trial, done, [&context, &trial, done] {
        const QByteArray extra = fillKernel(trial);
        {
            const QtWarningCapture capture;
            // The mistake: the transport's write() called in another thread.
            std::thread worker([&trial, extra] { trial.writer->write(extra); });
            worker.join();
            trial.warnings = capture.warnings();
        }
        QSocketNotifier *reader = readInLoop(context, trial);
        context.after(StuckWindowMs, [&trial, reader, done] {
            delete reader;
            done(notifierRefused(trial, trial.writer->writeBufferSize()));
        });
    });
}

Observation allArrived(const Trial &trial)
{
    const bool intact = trial.received == trial.sent;
    Observation o = Observation::check(
        intact && trial.warnings.isEmpty() && trial.writer->writeBufferSize() == 0,
        QStringLiteral("Qt said nothing; the reader has %1 of %2, %3; the transport holds %4")
            .arg(trial.received.size())
            .arg(trial.sent.size())
            .arg(intact ? QStringLiteral("identical") : QStringLiteral("DIFFERENT"))
            .arg(T::bytes(trial.writer->writeBufferSize())));
    if (!trial.warnings.isEmpty())
        o.observed = QStringLiteral("Qt said \"%1\"; ").arg(trial.warnings.join(u' ')) + o.observed;
    o.why = QStringLiteral("The worker only posted a function to the transport's thread "
                           "(QMetaObject::invokeMethod(writer, ..., Qt::QueuedConnection)); the "
                           "event loop ran it there, where arming the notifier is allowed, and "
                           "the buffer flushed as the reader made room. The same goes for "
                           "every call on a QObject that owns notifiers or timers.");
    o.values = {{QStringLiteral("warnings"), int(trial.warnings.size())},
                {QStringLiteral("received"), trial.received.size()},
                {QStringLiteral("sent"), trial.sent.size()},
                {QStringLiteral("intact"), intact}};
    return o;
}

void queueToOwner(LessonContext &context, const StepDone &done)
{
    Trial &trial = context.state<State>().queued;
    openTrial(context, trial, done, [&context, &trial, done] {
        const QByteArray extra = fillKernel(trial);
        trial.capture = std::make_unique<QtWarningCapture>(); // until the queued write ran
        WritePipeTransport *writer = trial.writer.get();
        std::thread worker([writer, extra] {
            QMetaObject::invokeMethod(writer, [writer, extra] { writer->write(extra); },
                                      Qt::QueuedConnection);
        });
        worker.join();
        QSocketNotifier *reader = readInLoop(context, trial);
        context.when([&trial] { return trial.received.size() >= trial.sent.size(); }, DeliverMs,
                     [&trial, reader, done](bool) {
                         delete reader;
                         trial.warnings = trial.capture->warnings();
                         trial.capture.reset();
                         done(allArrived(trial));
                     })
            .recheckOn(reader, &QSocketNotifier::activated);
    });
}

} // namespace

Lesson transportThread()
{
    Lesson lesson;
    lesson.id = QStringLiteral("transport-thread");
    lesson.title = QStringLiteral("A transport belongs to one thread");
    lesson.summary = QStringLiteral("Another thread's write() to a transport buffers bytes that "
                                    "never leave; a queued call is the fix.");
    lesson.steps = {
        {QStringLiteral("Another thread writes to the transport"),
         QStringLiteral("A WritePipeTransport made in the event loop's thread has filled its "
                        "pipe (the reader is not reading yet). A worker thread now calls its "
                        "write() with 64 KiB more; then the event loop reads the pipe."),
         QStringLiteral("Qt warns \"QSocketNotifier: Socket notifiers cannot be enabled or "
                        "disabled from another thread\"; the reader gets only what was in the "
                        "kernel, and the 64 KiB stay in the transport's buffer"),
         writeFromWorker},
        {QStringLiteral("The fix: a queued call"),
         QStringLiteral("The same, but the worker posts the write() to the transport's thread "
                        "with QMetaObject::invokeMethod and Qt::QueuedConnection."),
         QStringLiteral("no warning; every byte arrives, in order"), queueToOwner},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
