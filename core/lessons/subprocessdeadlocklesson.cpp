// Lesson "subprocess-deadlock": writing a child's stdin without reading its stdout deadlocks
// once both pipes are full; reading while writing (the transports) fixes it.
#include "builtinlessons.h"
#include "childprocess.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "pipediagnostics.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QCryptographicHash>
#include <QSet>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr qsizetype PayloadSize = 1024 * 1024;
constexpr int StuckWaitMs = 1500;
constexpr int StillStuckMs = 200;
constexpr int FixTimeoutMs = 3000;
constexpr int DeadlockWaitMs = 2000;

struct State {
    ChildProcess *cat = nullptr;
    int inFd = -1; ///< our end of cat's stdin (raw, non-blocking in step 1)
    int outFd = -1; ///< our end of cat's stdout (not read in step 1)
    QByteArray payload;
    qsizetype accepted = 0;
    std::unique_ptr<WritePipeTransport> writer;
    std::unique_ptr<ReadPipeTransport> reader;
    QByteArray echoed;
    bool eof = false;
    LessonProcess *parent = nullptr; ///< step 2: `head`, blocking writes, never reads
    LessonProcess *child = nullptr;  ///< step 2: its `cat`
};

QByteArray makePayload()
{
    QByteArray data;
    data.reserve(PayloadSize);
    for (int i = 0; data.size() < PayloadSize; ++i)
        data += QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha512);
    data.truncate(PayloadSize);
    return data;
}

/// One non-blocking write of what is left; the errno if it failed, else 0.
int writeSome(State &state)
{
    const ssize_t n = Sys::write(state.inFd, state.payload.constData() + state.accepted,
                                 size_t(state.payload.size() - state.accepted));
    if (n < 0)
        return errno;
    state.accepted += n;
    return 0;
}

/// What the first step last saw of our writes and of cat.
struct Stuck {
    int lastError = 0;
    ProcessActivity cat;
    qsizetype acceptedAtStuck = 0;
};

/// Writes what fits, then looks: our write got EAGAIN, cat sleeps writing, both pipes full.
bool isStuck(State &state, Stuck &seen)
{
    seen.lastError = writeSome(state);
    seen.cat = ProcessActivity::of(state.cat->pid());
    return seen.lastError == EAGAIN && seen.cat.isBlockedWriting()
        && Sys::queuedBytes(state.inFd) == T::capacity(state.inFd)
        && Sys::queuedBytes(state.outFd) == T::capacity(state.outFd);
}

Observation nothingMoves(State &state, Stuck &seen)
{
    const bool stillStuck = isStuck(state, seen) && state.accepted == seen.acceptedAtStuck;
    const int lastError = seen.lastError;
    const ProcessActivity &cat = seen.cat;
    const int inQueued = Sys::queuedBytes(state.inFd);
    const int outQueued = Sys::queuedBytes(state.outFd);
    const qsizetype inCat = state.accepted - inQueued - outQueued;
    Observation o = Observation::check(
        stillStuck && lastError == EAGAIN,
        QStringLiteral("we wrote %1 of %2, then %3 (still after %4 ms); cat: %5; its stdin pipe "
                       "holds %6, its stdout pipe %7, cat itself %8")
            .arg(state.accepted)
            .arg(state.payload.size())
            .arg(T::errnoName(lastError))
            .arg(StillStuckMs)
            .arg(cat.text())
            .arg(inQueued)
            .arg(outQueued)
            .arg(inCat));
    o.why = QStringLiteral("cat filled its stdout pipe, which nobody reads, and sleeps in "
                           "write(); so it stops reading its stdin, which fills too, and our "
                           "next write would sleep as well. With blocking writes both processes "
                           "wait for each other forever. The amount that fits before that is the "
                           "two pipes plus cat's own buffer: no program can rely on it.");
    o.values = {{QStringLiteral("accepted"), state.accepted},
                {QStringLiteral("lastErrno"), T::errnoName(lastError)},
                {QStringLiteral("catWchan"), cat.wchan},
                {QStringLiteral("catState"), QString(QChar::fromLatin1(cat.state))},
                {QStringLiteral("stdinQueued"), inQueued},
                {QStringLiteral("stdoutQueued"), outQueued},
                {QStringLiteral("inCat"), inCat}};
    return o;
}

void bothBlock(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    state.cat = context.startChild(QStringLiteral("cat"), {}, &error);
    if (!state.cat)
        return done(Observation::failure(error.message()));
    state.inFd = context.adoptFd(state.cat->takeStdinFd());
    state.outFd = context.adoptFd(state.cat->takeStdoutFd());
    // Our side non-blocking, so the lesson itself cannot hang: EAGAIN stands for "a blocking
    // write would sleep here".
    T::setNonBlocking(state.inFd);
    state.payload = makePayload();
    auto seen = std::make_shared<Stuck>();
    context.when([&state, seen] { return isStuck(state, *seen); }, StuckWaitMs,
                 [&context, &state, seen, done](bool) {
                     seen->acceptedAtStuck = state.accepted;
                     context.after(StillStuckMs, [&state, seen, done] { // nothing moves by itself
                         done(nothingMoves(state, *seen));
                     });
                 })
        .recheckEvery(LessonContext::ProcPollMs);
}

/// The deadlock diagnostic among the lesson's pipes that involves \a pids, if there is one.
std::optional<Diagnostic> deadlockOf(const SystemSnapshot &snapshot, const QSet<qint64> &pids)
{
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const Diagnostic &diagnostic : pipe.diagnostics) {
            if (diagnostic.kind != Diagnostic::Kind::Deadlock)
                continue;
            QSet<qint64> involved;
            for (const auto &[pid, fd] : diagnostic.endpoints)
                involved.insert(pid);
            if (involved == pids)
                return diagnostic;
        }
    }
    return std::nullopt;
}

/// `head -c 1 MiB` writes into cat's stdin with blocking writes and holds cat's stdout as its
/// fd 3 without reading it: a parent making the classic mistake, in a process the explorer can
/// see blocked.
bool startDeadlockedPair(LessonContext &context, State &state, Error *error)
{
    std::optional<PipeFds> toCat = context.makePipe(error);
    std::optional<PipeFds> fromCat = toCat ? context.makePipe(error) : std::nullopt;
    if (!fromCat)
        return false;
    state.child = context.spawn({QStringLiteral("cat"), {}, {{toCat->read, 0}, {fromCat->write, 1}}},
                                error);
    state.parent = state.child ? context.spawn({QStringLiteral("head"),
                                                {QStringLiteral("-c"),
                                                 QString::number(PayloadSize),
                                                 QStringLiteral("/dev/zero")},
                                                {{toCat->write, 1}, {fromCat->read, 3}}},
                                               error)
                               : nullptr;
    // Our copies must go, as in a parent after fork: a reader of cat's stdout that is not
    // blocked (this process) could still break the cycle.
    for (int *fd : {&toCat->read, &toCat->write, &fromCat->read, &fromCat->write})
        context.closeFd(*fd);
    return state.parent != nullptr;
}

/// The explorer's view once both processes sleep writing.
struct Diagnosis {
    std::optional<Diagnostic> deadlock;
    SystemSnapshot snapshot;
};

Observation deadlockNamed(const State &state, const Diagnosis &seen)
{
    const QSet<qint64> pair {state.parent->pid(), state.child->pid()};
    const std::optional<Diagnostic> &deadlock = seen.deadlock;
    const SystemSnapshot &snapshot = seen.snapshot;
    Observation o = Observation::check(
        deadlock.has_value(),
        deadlock ? QStringLiteral("the explorer says: %1").arg(deadlock->text)
                 : QStringLiteral("no deadlock diagnosed: head %1, cat %2")
                           .arg(state.parent->activity().text(), state.child->activity().text()));
    o.why = QStringLiteral("Each process sleeps in write() on a full pipe whose only reader is "
                           "the other one, itself asleep in write(): a closed cycle in the wait "
                           "graph. No timeout or signal inside the pair ends it; only killing "
                           "one of them does (the lesson does, in the next step).");
    QVariantList queued; // of the pair's two pipes
    int diagnosed = 0;   // of those, pipes that carry the deadlock diagnostic
    for (const PipeInfo &pipe : std::as_const(snapshot.pipes)) {
        if (!pair.contains(pipe.writerPids().value(0)))
            continue;
        queued << pipe.queued.value_or(-1);
        diagnosed += std::any_of(pipe.diagnostics.cbegin(), pipe.diagnostics.cend(),
                                 [](const Diagnostic &d) { return d.kind == Diagnostic::Kind::Deadlock; });
    }
    o.values = {{QStringLiteral("diagnosis"), deadlock ? deadlock->text : QString()},
                {QStringLiteral("headPid"), state.parent->pid()},
                {QStringLiteral("catPid"), state.child->pid()},
                {QStringLiteral("queued"), queued},
                {QStringLiteral("pipesDiagnosed"), diagnosed}};
    return o;
}

void explorerNamesIt(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    if (!startDeadlockedPair(context, state, &error))
        return done(Observation::failure(error.message()));
    const QSet<qint64> pair {state.parent->pid(), state.child->pid()};
    auto seen = std::make_shared<Diagnosis>();
    const auto diagnosed = [&context, &state, pair, seen] {
        if (!state.parent->activity().isBlockedWriting()
            || !state.child->activity().isBlockedWriting())
            return false;
        seen->snapshot = context.scanPipes();
        seen->deadlock = deadlockOf(seen->snapshot, pair);
        return seen->deadlock.has_value();
    };
    context.when(diagnosed, DeadlockWaitMs,
                 [&state, seen, done](bool) { done(deadlockNamed(state, *seen)); })
        .recheckEvery(LessonContext::ProcPollMs);
}

Observation allCameBack(const State &state)
{
    const bool intact = state.echoed == state.payload;
    Observation o = Observation::check(
        intact && state.eof && state.cat->exitCode() == 0,
        QStringLiteral("%1 of %2 came back, %3; cat %4")
            .arg(state.echoed.size())
            .arg(state.payload.size())
            .arg(intact ? QStringLiteral("identical") : QStringLiteral("DIFFERENT"))
            .arg(state.cat->statusText()));
    o.why = QStringLiteral("The event loop writes whenever cat's stdin has room and reads "
                           "whenever its stdout has data, so neither pipe stays full. (A thread "
                           "per pipe, or subprocess's communicate(), does the same.)");
    o.values = {{QStringLiteral("echoed"), state.echoed.size()},
                {QStringLiteral("intact"), intact},
                {QStringLiteral("exitCode"), state.cat->exitCode()}};
    return o;
}

void readWhileWriting(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.cat || state.inFd < 0)
        return done(Observation::failure(QStringLiteral("the first step did not run")));
    for (LessonProcess *process : {state.parent, state.child}) {
        if (process)
            process->kill(); // the deadlocked pair of step 2: nothing else ends it
    }
    state.reader = std::make_unique<ReadPipeTransport>();
    state.writer = std::make_unique<WritePipeTransport>();
    QObject::connect(state.reader.get(), &ReadPipeTransport::dataReceived, state.reader.get(),
                     [&state](const QByteArray &data) { state.echoed += data; });
    QObject::connect(state.reader.get(), &ReadPipeTransport::eofReceived, state.reader.get(),
                     [&state] { state.eof = true; });
    if (!state.reader->open(context.releaseFd(state.outFd)))
        return done(Observation::failure(state.reader->errorString()));
    state.outFd = -1;
    if (!state.writer->open(context.releaseFd(state.inFd)))
        return done(Observation::failure(state.writer->errorString()));
    state.inFd = -1;
    state.writer->write(state.payload.mid(state.accepted));
    state.writer->writeEof(); // cat sees EOF after the last byte, and exits
    const auto over = [&state] {
        return state.eof && state.cat->state() == ChildProcess::State::Exited;
    };
    context.when(over, FixTimeoutMs, [&state, done](bool) { done(allCameBack(state)); })
        .recheckOn(state.reader.get(), &ReadPipeTransport::eofReceived)
        .recheckOn(state.cat, &ChildProcess::finished);
}

} // namespace

Lesson subprocessDeadlock()
{
    Lesson lesson;
    lesson.id = QStringLiteral("subprocess-deadlock");
    lesson.title = QStringLiteral("The subprocess deadlock");
    lesson.summary = QStringLiteral("Writing a child's stdin without reading its stdout: both "
                                    "block, and the explorer names the deadlock. The fix: read "
                                    "while writing.");
    lesson.steps = {
        {QStringLiteral("Write everything first, read later"),
         QStringLiteral("We start `cat` and write 1 MiB into its stdin, planning to read its "
                        "output afterwards — the classic mistake. Our writes are non-blocking "
                        "so this lesson cannot hang: EAGAIN marks where a blocking write would "
                        "have slept forever."),
         QStringLiteral("after a few hundred KiB our write gets EAGAIN and cat sleeps in "
                        "write(): wchan anon_pipe_write, both pipes full — nothing moves"),
         bothBlock},
        {QStringLiteral("Blocking writes: the explorer diagnoses the deadlock"),
         QStringLiteral("The same mistake with blocking writes, made by a real parent: `head` "
                        "writes 1 MiB into cat's stdin and holds cat's stdout as its fd 3 "
                        "without ever reading it. Both end up asleep in the kernel. PipeScope's "
                        "explorer reads their states from /proc and follows who waits for whom."),
         QStringLiteral("the explorer reports a deadlock: head waits to write a pipe read only "
                        "by cat, and cat waits to write a pipe read only by head"),
         explorerNamesIt},
        {QStringLiteral("The fix: read while writing"),
         QStringLiteral("Back to the cat of step 1, same fds: a ReadPipeTransport now reads cat's stdout while a "
                        "WritePipeTransport writes the rest of the megabyte and then EOF."),
         QStringLiteral("all 1048576 bytes come back identical; cat exits with status 0"),
         readWhileWriting},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
