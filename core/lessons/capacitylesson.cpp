// Lesson "capacity": how much a pipe holds, and how F_SETPIPE_SZ changes it.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessontools.h"
#include "sys.h"

#include <QVariantMap>

#include <cerrno>
#include <fcntl.h>
#include <linux/capability.h>
#include <unistd.h>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int DefaultCapacity = 65536;

int pageSize()
{
    return int(sysconf(_SC_PAGESIZE));
}

/// A new empty non-blocking pipe, or nullopt with *error.
std::optional<PipeFds> newPipe(LessonContext &context, Error *error)
{
    return context.makePipe(error, O_NONBLOCK);
}

Observation defaultCapacity(LessonContext &context)
{
    Error error;
    const auto pipe = newPipe(context, &error);
    if (!pipe)
        return Observation::failure(error.message());
    const int capacity = T::capacity(pipe->read);
    Observation o = Observation::check(capacity == DefaultCapacity,
                                       QStringLiteral("F_GETPIPE_SZ = %1").arg(T::bytes(capacity)));
    o.values = {{QStringLiteral("capacity"), capacity},
                {QStringLiteral("pages"), capacity / pageSize()}};
    if (o.matches) {
        o.why = QStringLiteral("A new pipe gets 16 slots of one page (%1 bytes) each.")
                    .arg(pageSize());
    } else if (capacity > 0 && capacity < DefaultCapacity) {
        o.why = QStringLiteral("Smaller than the default: this user's pipes already use more than "
                               "/proc/sys/fs/pipe-user-pages-soft (%1 pages), so the kernel gives "
                               "new pipes fewer pages. Every number below follows from this real "
                               "capacity.")
                    .arg(T::procSysFs(QStringLiteral("pipe-user-pages-soft")));
    } else {
        o.why = QStringLiteral("This kernel uses a different default.");
    }
    return o;
}

Observation fillUntilEagain(LessonContext &context)
{
    Error error;
    const auto pipe = newPipe(context, &error);
    if (!pipe)
        return Observation::failure(error.message());
    const int capacity = T::capacity(pipe->read);
    const T::FillResult fill = T::fill(pipe->write, pageSize());
    const int queued = Sys::queuedBytes(pipe->read);
    Observation o
        = Observation::check(fill.bytes == capacity && fill.error == EAGAIN && queued == capacity,
                             QStringLiteral("%1 accepted in %2 writes, then %3; FIONREAD = %4")
                                 .arg(T::bytes(fill.bytes))
                                 .arg(fill.writes)
                                 .arg(T::errnoName(fill.error))
                                 .arg(queued));
    o.prediction
        = QStringLiteral("%1 (F_GETPIPE_SZ of this pipe), then EAGAIN").arg(T::bytes(capacity));
    o.why = QStringLiteral("Each page-sized write takes one of the %1 slots; when none is free, a "
                           "non-blocking write fails with EAGAIN (a blocking one would sleep).")
                .arg(capacity / pageSize());
    o.values = {{QStringLiteral("capacity"), capacity},
                {QStringLiteral("filled"), fill.bytes},
                {QStringLiteral("writes"), fill.writes},
                {QStringLiteral("queued"), queued},
                {QStringLiteral("errno"), T::errnoName(fill.error)}};
    return o;
}

Observation pagesNotBytes(LessonContext &context)
{
    Error error;
    const auto pipe = newPipe(context, &error);
    if (!pipe)
        return Observation::failure(error.message());
    const int capacity = T::capacity(pipe->read);
    const int record = pageSize() / 2 + 1; // 2049: two never share a page
    const T::FillResult fill = T::fill(pipe->write, record);
    const qint64 expected = qint64(capacity / pageSize()) * record;
    Observation o
        = Observation::check(fill.bytes == expected && fill.error == EAGAIN,
                             QStringLiteral("%1 in %2 writes of %3, then %4 (%5 % of F_GETPIPE_SZ)")
                                 .arg(T::bytes(fill.bytes))
                                 .arg(fill.writes)
                                 .arg(record)
                                 .arg(T::errnoName(fill.error))
                                 .arg(capacity > 0 ? 100 * fill.bytes / capacity : 0));
    if (capacity != DefaultCapacity) {
        o.prediction = QStringLiteral("%1 slots × %2 = %3, then EAGAIN")
                           .arg(capacity / pageSize())
                           .arg(record)
                           .arg(T::bytes(expected));
    }
    o.why = QStringLiteral("A write is appended to the last page only if it fits there; a "
                           "2049-byte write never fits beside another, so each one takes a "
                           "whole slot. The pipe is 'full' at half its byte capacity.");
    o.values = {{QStringLiteral("record"), record},
                {QStringLiteral("filled"), fill.bytes},
                {QStringLiteral("writes"), fill.writes},
                {QStringLiteral("capacity"), capacity}};
    return o;
}

Observation rounding(LessonContext &context)
{
    Error error;
    QVariantMap values;
    QStringList parts;
    bool all = true;
    bool refused = false;
    const QList<QPair<int, int>> cases {{100000, 131072}, {4097, 8192}, {0, 4096}};
    for (const auto &[request, expected] : cases) {
        const auto pipe = newPipe(context, &error);
        if (!pipe)
            return Observation::failure(error.message());
        const int got = T::setCapacity(pipe->write, request);
        const QString result = got < 0 ? T::errnoName(errno) : QString::number(got);
        parts << QStringLiteral("%1 → %2").arg(request).arg(result);
        values.insert(QString::number(request), got < 0 ? QVariant(result) : QVariant(got));
        all = all && got == expected;
        refused = refused || (got < 0 && errno == EPERM);
    }
    Observation o = Observation::check(all, parts.join(QStringLiteral(", ")));
    o.why = all   ? QStringLiteral("The kernel rounds up to a power-of-two number of pages, and "
                                     "never below one page (0 is not an error).")
        : refused ? QStringLiteral("EPERM: this user already holds more pipe pages than "
                                   "/proc/sys/fs/pipe-user-pages-soft allows, so the kernel "
                                   "refuses to grow any of its pipes. Sizes that do not grow "
                                   "the pipe still round as predicted.")
                  : QStringLiteral("This kernel rounds differently, so trust what F_SETPIPE_SZ "
                                   "returns, never the number you asked for.");
    o.values = values;
    return o;
}

Observation maxSize(LessonContext &context)
{
    const qint64 max = T::procSysFs(QStringLiteral("pipe-max-size"));
    if (max <= 0)
        return Observation::failure(QStringLiteral("cannot read /proc/sys/fs/pipe-max-size"));
    const bool privileged = T::hasCapability(CAP_SYS_RESOURCE);
    Error error;
    const auto pipe = newPipe(context, &error);
    if (!pipe)
        return Observation::failure(error.message());
    const int atMax = T::setCapacity(pipe->write, int(max));
    const int atMaxErrno = atMax < 0 ? errno : 0;
    const int above = T::setCapacity(pipe->write, int(max + 1));
    const int aboveErrno = above < 0 ? errno : 0;
    const QString aboveText = above < 0 ? T::errnoName(aboveErrno) : QString::number(above);
    const bool expectEperm = !privileged;
    const bool aboveOk = expectEperm ? aboveErrno == EPERM : above >= max + 1;
    Observation o
        = Observation::check(atMax == max && aboveOk,
                             QStringLiteral("F_SETPIPE_SZ(%1) → %2, F_SETPIPE_SZ(%3) → %4")
                                 .arg(max)
                                 .arg(atMax < 0 ? T::errnoName(atMaxErrno) : QString::number(atMax))
                                 .arg(max + 1)
                                 .arg(aboveText));
    o.prediction = expectEperm
        ? QStringLiteral("%1 → %1; %2 → EPERM (pipe-max-size is %1 and this process lacks "
                         "CAP_SYS_RESOURCE)")
              .arg(max)
              .arg(max + 1)
        : QStringLiteral("%1 → %1; %2 succeeds (this process has CAP_SYS_RESOURCE, which "
                         "lifts pipe-max-size)")
              .arg(max)
              .arg(max + 1);
    o.why = QStringLiteral("Without CAP_SYS_RESOURCE nobody may go above "
                           "/proc/sys/fs/pipe-max-size, not even root: being uid 0 is not "
                           "the point, the capability is.");
    if (atMax < 0) {
        o.why += QStringLiteral(" Even the maximum itself was refused (%1): this user is over "
                                "pipe-user-pages-soft.")
                     .arg(T::errnoName(atMaxErrno));
    }
    o.values = {{QStringLiteral("pipeMaxSize"), max},
                {QStringLiteral("atMax"), atMax},
                {QStringLiteral("aboveMax"), above < 0 ? QVariant(aboveText) : QVariant(above)},
                {QStringLiteral("capSysResource"), privileged},
                {QStringLiteral("uid"), int(getuid())}};
    return o;
}

Observation shrinkBusy(LessonContext &context)
{
    Error error;
    const auto pipe = newPipe(context, &error);
    if (!pipe)
        return Observation::failure(error.message());
    // The experiment needs 8 slots; a pipe made over the per-user limit has only 2.
    const int needed = 8 * pageSize();
    if (T::capacity(pipe->write) < needed && T::setCapacity(pipe->write, needed) < 0) {
        const int err = errno;
        Observation o = Observation::check(
            false,
            QStringLiteral("cannot run: the pipe has %1 and F_SETPIPE_SZ(%2) → %3")
                .arg(T::bytes(T::capacity(pipe->write)))
                .arg(needed)
                .arg(T::errnoName(err)));
        o.why = QStringLiteral("This user is over pipe-user-pages-soft: its new pipes are small "
                               "and cannot grow, so five occupied slots do not fit.");
        return o;
    }
    const int record = pageSize() / 2 + 1;
    const T::FillResult fill = T::fill(pipe->write, record, 5 * record); // 5 slots, 10245 B
    const int toFour = T::setCapacity(pipe->write, 4 * pageSize());
    const int fourErrno = toFour < 0 ? errno : 0;
    const int toEight = T::setCapacity(pipe->write, 8 * pageSize());
    const int eightErrno = toEight < 0 ? errno : 0;
    const auto text
        = [](int rc, int err) { return rc < 0 ? T::errnoName(err) : QString::number(rc); };
    Observation o = Observation::check(
        fill.bytes == 5 * record && fourErrno == EBUSY && toEight == 8 * pageSize(),
        QStringLiteral("%1 queued in 5 slots; shrink to %2 → %3; to %4 → %5")
            .arg(fill.bytes)
            .arg(4 * pageSize())
            .arg(text(toFour, fourErrno))
            .arg(8 * pageSize())
            .arg(text(toEight, eightErrno)));
    o.why = QStringLiteral("The kernel refuses a size with fewer slots than are occupied, counted "
                           "in pages, not bytes: %1 bytes fit in %2 in theory, but they sit in 5 "
                           "pages.")
                .arg(fill.bytes)
                .arg(4 * pageSize());
    o.values = {{QStringLiteral("queued"), fill.bytes},
                {QStringLiteral("shrinkTo4Pages"), text(toFour, fourErrno)},
                {QStringLiteral("shrinkTo8Pages"), toEight}};
    return o;
}

} // namespace

Lesson capacity()
{
    Lesson lesson;
    lesson.id = QStringLiteral("capacity");
    lesson.title = QStringLiteral("How much a pipe holds");
    lesson.summary = QStringLiteral("Fill a pipe until the writer would block, then resize it "
                                    "with F_SETPIPE_SZ.");
    lesson.steps = {
        {QStringLiteral("A new pipe's capacity"),
         QStringLiteral("A pipe is a ring of page-sized slots in the kernel. F_GETPIPE_SZ "
                        "reports its capacity in bytes. Linux gives a new pipe 16 pages, unless "
                        "the user already holds more pipe pages than "
                        "/proc/sys/fs/pipe-user-pages-soft allows."),
         QStringLiteral("65536 bytes (16 pages of 4096)"), defaultCapacity},
        {QStringLiteral("Fill it until the writer would block"),
         QStringLiteral("We write one page at a time with O_NONBLOCK and nobody reading. A "
                        "blocking writer would now sleep until a reader makes room; a "
                        "non-blocking one gets EAGAIN instead."),
         QStringLiteral("exactly F_GETPIPE_SZ bytes are accepted, then EAGAIN"), fillUntilEagain},
        {QStringLiteral("Capacity counts pages, not bytes"),
         QStringLiteral("Writes that do not fit in the last page's free room start a new page. "
                        "Records of 2049 bytes therefore use one slot each, and the pipe is "
                        "full long before FIONREAD reaches F_GETPIPE_SZ: a fill gauge can show "
                        "50 % while the writer is stuck."),
         QStringLiteral("16 × 2049 = 32784 bytes, then EAGAIN"), pagesNotBytes},
        {QStringLiteral("F_SETPIPE_SZ rounds up"),
         QStringLiteral("F_SETPIPE_SZ takes a size in bytes, but the kernel allocates a "
                        "power-of-two number of pages, at least one. Read back the capacity "
                        "it returns."),
         QStringLiteral("100000 → 131072, 4097 → 8192, 0 → 4096"), rounding},
        {QStringLiteral("The limit: pipe-max-size"),
         QStringLiteral("An unprivileged process may grow a pipe up to "
                        "/proc/sys/fs/pipe-max-size (1 MiB by default). Above it F_SETPIPE_SZ "
                        "fails with EPERM unless the process has CAP_SYS_RESOURCE — which a "
                        "root in a container or VM may lack."),
         QStringLiteral("pipe-max-size is accepted; one byte more gives EPERM without "
                        "CAP_SYS_RESOURCE"),
         maxSize},
        {QStringLiteral("Shrinking below what is queued: EBUSY"),
         QStringLiteral("Five 2049-byte writes queue 10245 bytes in five slots. Shrinking to "
                        "four pages (16384 bytes) would have room for the bytes but not for the "
                        "slots."),
         QStringLiteral("16384 → EBUSY although 10245 < 16384; 32768 → 32768"), shrinkBusy},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
