// Lesson "eof-leak": a reader sees EOF only when every write end is closed; a write end leaked
// into a child keeps it waiting.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "readpipetransport.h"
#include "sys.h"

#include <QElapsedTimer>
#include <QVariantMap>

#include <csignal>
#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int HangMs = 500;
const QByteArray Message = QByteArrayLiteral("hello\n");

/// A read transport and what it delivered.
struct Reading {
    std::unique_ptr<ReadPipeTransport> reader;
    QByteArray data;
    bool eof = false;
    QElapsedTimer clock; ///< started when the last write end is expected to close
    qint64 eofAfterUs = -1;
};

struct State {
    Reading control;
    Reading leaked;
    int readFd = -1; ///< the leaked pipe's read end (owned by leaked.reader)
    int childFd = -1;
    LessonProcess *holder = nullptr;
};

bool startReading(LessonContext &context, Reading &reading, int fd, Error *error)
{
    reading.reader = std::make_unique<ReadPipeTransport>();
    ReadPipeTransport *reader = reading.reader.get();
    QObject::connect(reader, &ReadPipeTransport::dataReceived, reader,
                     [&reading](const QByteArray &chunk) { reading.data += chunk; });
    QObject::connect(reader, &ReadPipeTransport::eofReceived, reader, [&reading] {
        reading.eof = true;
        reading.eofAfterUs = reading.clock.nsecsElapsed() / 1000;
    });
    if (!reader->open(context.releaseFd(fd))) {
        *error = reader->lastError();
        return false;
    }
    return true;
}

/// when() \a reading saw EOF.
LessonWait &whenEof(LessonContext &context, Reading &reading, int timeoutMs,
                    LessonWait::Next next)
{
    return context.when([&reading] { return reading.eof; }, timeoutMs, std::move(next))
        .recheckOn(reading.reader.get(), &ReadPipeTransport::eofReceived);
}

Observation controlSawEof(const Reading &r)
{
    Observation o = Observation::check(
        r.eof && r.data == Message,
        r.eof ? QStringLiteral("%1, then EOF %2 µs after the close")
                    .arg(T::bytes(r.data.size()))
                    .arg(r.eofAfterUs)
              : QStringLiteral("%1, no EOF within 1 s").arg(T::bytes(r.data.size())));
    o.why = QStringLiteral("Our fd was the only write end: closing it tells the kernel that "
                           "nothing more can come, so read() returns 0 once the pipe is empty.");
    o.values = {{QStringLiteral("bytes"), r.data.size()},
                {QStringLiteral("eof"), r.eof},
                {QStringLiteral("eofAfterUs"), r.eofAfterUs}};
    return o;
}

void controlEof(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    auto pipe = context.makePipe(&error);
    if (!pipe || !startReading(context, state.control, pipe->read, &error))
        return done(Observation::failure(error.message()));
    Sys::write(pipe->write, Message.constData(), size_t(Message.size()));
    state.control.clock.start();
    context.closeFd(pipe->write);
    whenEof(context, state.control, 1000,
            [&state, done](bool) { done(controlSawEof(state.control)); });
}

Observation stillNoEof(const State &state, quint64 inode)
{
    const QString link = T::fdLink(state.holder->pid(), state.childFd);
    const bool sameInode = link == QStringLiteral("pipe:[%1]").arg(inode);
    const Reading &r = state.leaked;
    Observation o
        = Observation::check(!r.eof && r.data == Message && sameInode,
                             QStringLiteral("%1, then no EOF for %2 ms; sleep (pid %3) fd %4 → %5")
                                 .arg(T::bytes(r.data.size()))
                                 .arg(HangMs)
                                 .arg(state.holder->pid())
                                 .arg(state.childFd)
                                 .arg(link.isEmpty() ? QStringLiteral("(unreadable)") : link));
    o.prediction = QStringLiteral("the bytes, but no EOF: /proc/%1/fd/%2 is pipe:[%3], our pipe")
                       .arg(state.holder->pid())
                       .arg(state.childFd)
                       .arg(inode);
    o.why = r.eof ? QStringLiteral("EOF came although sleep should hold a write end.")
                  : QStringLiteral("We closed our write end, but `sleep` still holds one. The "
                                   "kernel cannot know it will never write, so the reader "
                                   "waits — in a shell pipeline, the whole pipeline hangs.");
    o.values = {{QStringLiteral("bytes"), r.data.size()},
                {QStringLiteral("eof"), r.eof},
                {QStringLiteral("holderPid"), qint64(state.holder->pid())},
                {QStringLiteral("holderFdLink"), link},
                {QStringLiteral("inode"), inode}};
    return o;
}

void leakedWriteEnd(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    Error error;
    auto pipe = context.makePipe(&error);
    if (!pipe)
        return done(Observation::failure(error.message()));
    // What a pipe made without O_CLOEXEC before fork+exec does: the child keeps the write end
    // under the same number.
    LessonProcess::Spec spec;
    spec.program = QStringLiteral("sleep");
    spec.arguments = {QStringLiteral("30")};
    spec.fds = {{pipe->write, pipe->write}};
    state.holder = context.spawn(spec, &error);
    if (!state.holder)
        return done(Observation::failure(error.message()));
    state.childFd = pipe->write;
    state.readFd = pipe->read;
    const quint64 inode = T::inode(pipe->read);
    if (!startReading(context, state.leaked, pipe->read, &error))
        return done(Observation::failure(error.message()));
    Sys::write(pipe->write, Message.constData(), size_t(Message.size()));
    context.closeFd(pipe->write);
    // The prediction is that nothing comes: wait the whole HangMs unless EOF does come.
    whenEof(context, state.leaked, HangMs,
            [&state, inode, done](bool) { done(stillNoEof(state, inode)); });
}

Observation eofAfterSigterm(const State &state)
{
    const Reading &r = state.leaked;
    Observation o
        = Observation::check(r.eof,
                             r.eof ? QStringLiteral("EOF %1 µs after SIGTERM; sleep %2")
                                         .arg(r.eofAfterUs)
                                         .arg(state.holder->statusText())
                                   : QStringLiteral("still no EOF 1 s after SIGTERM; sleep %1")
                                         .arg(state.holder->statusText()));
    o.why = QStringLiteral("When sleep died, the kernel closed its fds; that was the last write "
                           "end, so the reader got EOF at once. The fix in real code: create "
                           "pipes with O_CLOEXEC (pipe2) and close unused ends after fork.");
    o.values = {{QStringLiteral("eof"), r.eof},
                {QStringLiteral("eofAfterUs"), r.eofAfterUs},
                {QStringLiteral("holderSignal"), state.holder->exitSignal()}};
    return o;
}

void closeLeakedEnd(LessonContext &context, const StepDone &done)
{
    State &state = context.state<State>();
    if (!state.holder || !state.leaked.reader)
        return done(Observation::failure(QStringLiteral("the previous step did not run")));
    state.leaked.clock.start();
    state.holder->sendSignal(SIGTERM);
    whenEof(context, state.leaked, 1000, [&context, &state, done](bool) {
        context.whenExited(state.holder, 1000,
                           [&state, done](bool) { done(eofAfterSigterm(state)); });
    });
}

} // namespace

Lesson eofLeak()
{
    Lesson lesson;
    lesson.id = QStringLiteral("eof-leak");
    lesson.title = QStringLiteral("EOF only when every write end is closed");
    lesson.summary = QStringLiteral("A write end leaked into a child makes the reader hang; "
                                    "closing it releases EOF.");
    lesson.steps = {
        {QStringLiteral("Close the only write end: EOF"),
         QStringLiteral("A reader learns that the data is over when read() returns 0. The kernel "
                        "returns 0 only when the pipe is empty and no write end is left open "
                        "anywhere — in any process."),
         QStringLiteral("6 bytes, then EOF right after the close"), controlEof},
        {QStringLiteral("A child inherits the write end"),
         QStringLiteral("We start `sleep 30` the way code that forgets O_CLOEXEC does: the child "
                        "inherits the pipe's write end. Then we write 6 bytes and close our own "
                        "write end, as if we were done."),
         QStringLiteral("the reader gets the 6 bytes, then hangs: no EOF while sleep lives"),
         leakedWriteEnd},
        {QStringLiteral("Close the leaked end: EOF"),
         QStringLiteral("Ending `sleep` closes the copy it held, the last write end of the "
                        "pipe."),
         QStringLiteral("EOF arrives within milliseconds"), closeLeakedEnd},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
