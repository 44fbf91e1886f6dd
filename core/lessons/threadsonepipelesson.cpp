// Lesson "threads-one-pipe": two threads of one process writing the same pipe end; writes of
// at most PIPE_BUF never interleave, larger ones can — the same rule as for two processes.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "recordcount.h"
#include "threadedwriters.h"

#include <QSocketNotifier>
#include <QVariantMap>

#include <climits>
#include <functional>
#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr qint64 BytesPerWriter = 4 * 1024 * 1024;
constexpr int ReadSize = 4096; // a slow reader: one page per read()
constexpr int RunTimeoutMs = 5000;
constexpr int LargeRounds = 3;
constexpr qint64 LargeRecord = 65536;

/// One race being read in the event loop.
struct Race {
    ThreadedWriters *writers = nullptr;
    QSocketNotifier *reader = nullptr;
    QByteArray data;
    bool eof = false;

    bool over() const { return eof && writers->doneCount() == 2; }
};

/// Two threads write \a record-byte records into one pipe while the event loop reads it;
/// \a next gets the count once both are done and EOF came.
void race(LessonContext &context, qint64 record, const RaceDone &next)
{
    Error error;
    const auto pipe = context.makePipe(&error); // blocking: the threads' writes sleep when full
    if (!pipe || !T::setNonBlocking(pipe->read))
        return next({}, error.message());
    auto r = std::make_shared<Race>();
    r->writers = new ThreadedWriters(context.releaseFd(pipe->read), context.releaseFd(pipe->write),
                                     &context);
    r->data.reserve(2 * BytesPerWriter);
    r->reader = new QSocketNotifier(r->writers->readFd(), QSocketNotifier::Read, &context);
    QObject::connect(r->reader, &QSocketNotifier::activated, r->reader, [r] {
        T::drain(r->writers->readFd(), &r->data, &r->eof, ReadSize);
    });
    // The threads only post their end here; the write end is closed in this thread.
    QObject::connect(r->writers, &ThreadedWriters::writerDone, r->writers, [r] {
        if (r->writers->doneCount() == 2)
            r->writers->closeWriteEnd();
    });
    r->writers->start(record, BytesPerWriter);
    context.when([r] { return r->over(); }, RunTimeoutMs,
                 [r, record, next](bool) {
                     delete r->reader;
                     RecordCount count = RecordCount::of(r->data, record);
                     count.finished = r->over();
                     r->writers->deleteLater(); // both threads are done: joins at once
                     next(count, {});
                 })
        .recheckOn(r->reader, &QSocketNotifier::activated)
        .recheckOn(r->writers, &ThreadedWriters::writerDone);
}

void smallRecords(LessonContext &context, const StepDone &done)
{
    const auto oneRace = [&context](qint64 size, const RaceDone &next) { race(context, size, next); };
    smallRecordsWhole(oneRace, BytesPerWriter, QStringLiteral("Threads share the process's fd, but the kernel's promise is about "
                           "each write() call: one of at most PIPE_BUF (%1) bytes goes into the "
                           "pipe in one piece, whichever thread makes it.").arg(PIPE_BUF), done);
}

void largeRecords(LessonContext &context, const StepDone &done)
{
    const auto oneRace = [&context](qint64 size, const RaceDone &next) { race(context, size, next); };
    largeRecordsMayTear(oneRace, BytesPerWriter, LargeRecord, LargeRounds,
                        {QStringLiteral("A write() above PIPE_BUF is copied in pieces as the reader makes "
                         "room; while one thread's write sleeps half-done on the full pipe, the "
                         "other thread's bytes go in between. A lock around each record, or "
                         "records of at most 4096 bytes, or one writer thread fed by a queue."),
                         QStringLiteral("No record tore this time: the reader kept up, so no write had to "
                         "wait half-done. That is luck, not a promise.")},
                        done);
}

} // namespace

Lesson threadsOnePipe()
{
    Lesson lesson;
    lesson.id = QStringLiteral("threads-one-pipe");
    lesson.title = QStringLiteral("Two threads, one write end");
    lesson.summary = QStringLiteral("Two threads write one pipe: 4096-byte writes never "
                                    "interleave, 65536-byte ones can — counted.");
    lesson.steps = {
        {QStringLiteral("Two threads, 4096-byte records"),
         QStringLiteral("Two threads of this process write 4 MiB each into the same pipe end, "
                        "one 'A', the other 'B', one write() per record, blocking. The event "
                        "loop reads 4096 bytes at a time and counts the records that contain "
                        "both letters. Each thread tells the loop it is done by a queued call."),
         QStringLiteral("0 torn records"), smallRecords},
        {QStringLiteral("Two threads, 65536-byte records"),
         QStringLiteral("The same with records of 65536 bytes: each write() is larger than "
                        "PIPE_BUF."),
         QStringLiteral("records may tear (usually most of them); all bytes still arrive"),
         largeRecords},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
