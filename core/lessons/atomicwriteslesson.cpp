// Lesson "atomic-writes": two writers share a pipe; writes of at most PIPE_BUF never
// interleave, larger ones can.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "recordcount.h"
#include "sys.h"

#include <QFile>
#include <QSocketNotifier>
#include <QVariantMap>

#include <climits>
#include <functional>
#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

using Count = RecordCount;

constexpr qint64 BytesPerWriter = 4 * 1024 * 1024;
constexpr int ReadSize = 4096; // a slow reader: one page per read()
constexpr int RunTimeoutMs = 5000;
constexpr int LargeRounds = 3;
constexpr qint64 LargeRecord = 65536;

/// A file of \a size bytes of \a letter in the context's directory; empty path on failure.
QString letterFile(LessonContext &context, char letter, Error *error)
{
    const QString path
        = context.tempDir() + QStringLiteral("/writer-%1").arg(QChar::fromLatin1(letter));
    if (QFile::exists(path))
        return path;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QByteArray(BytesPerWriter, letter)) != BytesPerWriter) {
        *error = Error(QStringLiteral("write %1: %2").arg(path, file.errorString()));
        return {};
    }
    return path;
}

/// One race being read: the writers, our read end and what came out of it.
struct Race {
    QList<LessonProcess *> writers;
    int readFd = -1;
    QByteArray data;
    bool eof = false;
    QSocketNotifier *notifier = nullptr;

    bool over() const
    {
        return eof && !writers[0]->isRunning() && !writers[1]->isRunning();
    }
};

/// Two `dd` writers into one pipe (blocking, as a pipeline's pipes are: O_NONBLOCK on the
/// write end would reach dd too), each writing records of \a record bytes of its own letter;
/// false with *error if one cannot start.
bool startWriters(LessonContext &context, qint64 record, Race &race, Error *error)
{
    auto pipe = context.makePipe(error);
    if (!pipe || !T::setNonBlocking(pipe->read))
        return false;
    race.readFd = pipe->read;
    for (char letter : {'A', 'B'}) {
        const QString file = letterFile(context, letter, error);
        if (file.isEmpty())
            return false;
        LessonProcess::Spec spec;
        spec.program = QStringLiteral("dd");
        spec.arguments = {QStringLiteral("if=") + file, QStringLiteral("bs=%1").arg(record),
                          QStringLiteral("count=%1").arg(BytesPerWriter / record),
                          QStringLiteral("status=none")};
        spec.fds = {{pipe->write, STDOUT_FILENO}};
        LessonProcess *writer = context.spawn(spec, error);
        if (!writer)
            return false;
        race.writers << writer;
    }
    context.closeFd(pipe->write); // EOF once both writers are done
    return true;
}

/// Runs the two writers and reads their pipe \a ReadSize bytes at a time until EOF and both
/// exits; then \a next gets the records counted.
void race(LessonContext &context, qint64 record, const RaceDone &next)
{
    auto r = std::make_shared<Race>();
    Error error;
    if (!startWriters(context, record, *r, &error))
        return next({}, error.message());
    r->data.reserve(2 * BytesPerWriter);
    r->notifier = new QSocketNotifier(r->readFd, QSocketNotifier::Read, &context);
    QObject::connect(r->notifier, &QSocketNotifier::activated, r->notifier,
                     [r] { T::drain(r->readFd, &r->data, &r->eof, ReadSize); });
    context.when([r] { return r->over(); }, RunTimeoutMs,
                 [r, record, next](bool) {
                     delete r->notifier;
                     Count count = Count::of(r->data, record);
                     count.finished = r->over();
                     next(count, {});
                 })
        .recheckOn(r->notifier, &QSocketNotifier::activated)
        .recheckOn(r->writers[0], &LessonProcess::finished)
        .recheckOn(r->writers[1], &LessonProcess::finished);
}

void smallRecords(LessonContext &context, const StepDone &done)
{
    const auto oneRace = [&context](qint64 size, const RaceDone &next) { race(context, size, next); };
    smallRecordsWhole(oneRace, BytesPerWriter, QStringLiteral("Every write of at most PIPE_BUF (%1) bytes lands in the pipe in one "
                           "piece, so records arrive whole however the writers are scheduled. "
                           "This is a promise (POSIX), not luck.").arg(PIPE_BUF), done);
}

void largeRecords(LessonContext &context, const StepDone &done)
{
    const auto oneRace = [&context](qint64 size, const RaceDone &next) { race(context, size, next); };
    largeRecordsMayTear(oneRace, BytesPerWriter, LargeRecord, LargeRounds,
                        {QStringLiteral("A write larger than PIPE_BUF is copied in pieces as room appears; "
                         "when the pipe is full mid-write, the other writer's bytes can go in "
                         "between. Two writers need records ≤ 4096 bytes, or a lock."),
                         QStringLiteral("No record tore this time: the reader kept up, so no write had to "
                         "wait half-done. That is luck, not a promise — on a busier machine "
                         "these writes do interleave.")},
                        done);
}

} // namespace

Lesson atomicWrites()
{
    Lesson lesson;
    lesson.id = QStringLiteral("atomic-writes");
    lesson.title = QStringLiteral("Atomic writes");
    lesson.summary = QStringLiteral("Two writers on one pipe: writes ≤ 4096 bytes never "
                                    "interleave, larger ones can — counted on real output.");
    lesson.steps = {
        {QStringLiteral("Two writers, 4096-byte records"),
         QStringLiteral("Two `dd` processes write 4 MiB each into the same pipe, one filled with "
                        "'A', the other with 'B', in records of 4096 bytes (one write() per "
                        "record). We read 4096 bytes at a time and count the records that "
                        "contain both letters."),
         QStringLiteral("0 torn records"), smallRecords},
        {QStringLiteral("Two writers, 65536-byte records"),
         QStringLiteral("The same, with records of 65536 bytes: each write() is larger than "
                        "PIPE_BUF."),
         QStringLiteral("records may tear: the count is whatever the kernel's scheduling gives "
                        "(usually hundreds); all bytes still arrive"),
         largeRecords},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
