// Lesson "reader-gone": EPIPE, connectionLost(EPIPE), and SIGPIPE's default action in a child.
#include "builtinlessons.h"
#include "lessoncontext.h"
#include "lessonprocess.h"
#include "lessontools.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QVariantMap>

#include <csignal>
#include <fcntl.h>
#include <memory>

namespace PipeScope::Lessons {

namespace T = LessonTools;

namespace {

constexpr int ChildTimeoutMs = 2000;

constexpr int IdleMs = 20;

struct State {
    std::unique_ptr<WritePipeTransport> writer;
    int lost = -1; ///< connectionLost's errno
};

QString sigpipeDisposition()
{
    struct sigaction current { };
    if (::sigaction(SIGPIPE, nullptr, &current) != 0)
        return QStringLiteral("unknown");
    if (current.sa_handler == SIG_IGN)
        return QStringLiteral("ignored (SIG_IGN)");
    if (current.sa_handler == SIG_DFL)
        return QStringLiteral("default (terminate)");
    return QStringLiteral("a handler");
}

Observation epipeSeen(bool gotIt, int lost)
{
    Observation o = Observation::check(
        gotIt && lost == EPIPE,
        gotIt ? QStringLiteral("connectionLost(%1) while idle").arg(T::errnoText(lost))
              : QStringLiteral("no connectionLost within 1 s"));
    o.why = QStringLiteral("The write transport watches its fd for POLLERR, which the kernel "
                           "raises on a write end whose readers are all gone: the writer learns "
                           "it before it writes again (asyncio reports nothing there).");
    o.values
        = {{QStringLiteral("lostErrno"), lost < 0 ? QVariant() : QVariant(T::errnoName(lost))}};
    return o;
}

Observation rawEpipe(LessonContext &context)
{
    Error error;
    auto pipe = context.makePipe(&error);
    if (!pipe)
        return Observation::failure(error.message());
    context.closeFd(pipe->read);
    const T::QuietWrite w = T::writeWithoutSigpipe(pipe->write, "x", 1);
    Observation o = Observation::check(
        w.result == -1 && w.error == EPIPE && w.sigpipeRaised,
        QStringLiteral("write() → %1, errno %2; SIGPIPE %3")
            .arg(w.result)
            .arg(T::errnoText(w.error),
                 w.sigpipeRaised ? QStringLiteral("raised") : QStringLiteral("not raised")));
    o.why = QStringLiteral("The kernel raised SIGPIPE at this thread and failed the write with "
                           "EPIPE. We survived because the step blocked SIGPIPE around the write "
                           "and took the pending signal with sigtimedwait — a library's way to "
                           "get EPIPE without touching the process-wide disposition (here: %1).")
                .arg(sigpipeDisposition());
    o.values = {{QStringLiteral("result"), qint64(w.result)},
                {QStringLiteral("errno"), T::errnoName(w.error)},
                {QStringLiteral("sigpipeRaised"), w.sigpipeRaised},
                {QStringLiteral("sigpipe"), sigpipeDisposition()}};
    return o;
}

void transportEpipe(LessonContext &context, const StepDone &done)
{
    Error error;
    auto pipe = context.makePipe(&error);
    if (!pipe)
        return done(Observation::failure(error.message()));
    State &state = context.state<State>();
    state.writer = std::make_unique<WritePipeTransport>();
    QObject::connect(state.writer.get(), &PipeTransport::connectionLost, state.writer.get(),
                     [&state](int err) { state.lost = err; });
    if (!state.writer->open(context.releaseFd(pipe->write)))
        return done(Observation::failure(state.writer->errorString()));
    state.writer->write(QByteArray(100, 'a'));
    int readFd = pipe->read;
    context.after(IdleMs, [&context, &state, readFd, done]() mutable { // connectionMade, idle
        context.closeFd(readFd);
        context.when([&state] { return state.lost >= 0; }, 1000,
                     [&state, done](bool gotIt) { done(epipeSeen(gotIt, state.lost)); })
            .recheckOn(state.writer.get(), &PipeTransport::connectionLost);
    });
}

/// Starts `yes` writing into a pipe whose read end is already closed.
LessonProcess *yesIntoNothing(LessonContext &context, bool defaultSigpipe, int stderrFd,
                              Error *error)
{
    auto pipe = context.makePipe(error);
    if (!pipe)
        return nullptr;
    context.closeFd(pipe->read);
    LessonProcess::Spec spec;
    spec.program = QStringLiteral("yes");
    spec.fds = {{pipe->write, STDOUT_FILENO}};
    if (stderrFd >= 0)
        spec.fds.append({stderrFd, STDERR_FILENO});
    spec.defaultSigpipe = defaultSigpipe;
    LessonProcess *child = context.spawn(spec, error);
    context.closeFd(pipe->write);
    return child;
}

Observation killedBySigpipe(LessonProcess *child, bool ended)
{
    const QString status = child->statusText();
    Observation o
        = Observation::check(ended && child->exitSignal() == SIGPIPE,
                             QStringLiteral("yes (pid %1): %2").arg(child->pid()).arg(status));
    o.why = QStringLiteral("Its first write to a pipe without readers raised SIGPIPE, whose "
                           "default action terminates the process: no error message, just a "
                           "death by signal 13. That is how `yes | head -1` ends.");
    o.values = {{QStringLiteral("exitSignal"), child->exitSignal()},
                {QStringLiteral("exitCode"), child->exitCode()},
                {QStringLiteral("status"), status}};
    return o;
}

void childKilledBySigpipe(LessonContext &context, const StepDone &done)
{
    Error error;
    LessonProcess *child = yesIntoNothing(context, true, -1, &error);
    if (!child)
        return done(Observation::failure(error.message()));
    context.whenExited(child, ChildTimeoutMs,
                       [child, done](bool ended) { done(killedBySigpipe(child, ended)); });
}

Observation survivedWithEpipe(LessonProcess *child, bool ended, int stderrFd)
{
    QByteArray message;
    T::drain(stderrFd, &message);
    const QString stderrText = QString::fromLocal8Bit(message).trimmed();
    Observation o = Observation::check(ended && child->exitSignal() == 0 && child->exitCode() != 0,
                                       QStringLiteral("yes (pid %1): %2; stderr: \"%3\"")
                                           .arg(child->pid())
                                           .arg(child->statusText(), stderrText));
    o.why = QStringLiteral("An ignored signal stays ignored across fork and exec, so this child "
                           "got EPIPE instead of SIGPIPE, and had to notice and report it. Code "
                           "that ignores SIGPIPE should restore the default in its children "
                           "(Python's subprocess does: restore_signals=True).");
    o.values = {{QStringLiteral("exitSignal"), child->exitSignal()},
                {QStringLiteral("exitCode"), child->exitCode()},
                {QStringLiteral("stderr"), stderrText}};
    return o;
}

void childInheritsIgnore(LessonContext &context, const StepDone &done)
{
    Error error;
    const auto errPipe = context.makePipe(&error, O_NONBLOCK);
    if (!errPipe)
        return done(Observation::failure(error.message()));
    LessonProcess *child = yesIntoNothing(context, false, errPipe->write, &error);
    if (!child)
        return done(Observation::failure(error.message()));
    const int stderrFd = errPipe->read;
    context.whenExited(child, ChildTimeoutMs, [child, stderrFd, done](bool ended) {
        done(survivedWithEpipe(child, ended, stderrFd));
    });
}

} // namespace

Lesson readerGone()
{
    Lesson lesson;
    lesson.id = QStringLiteral("reader-gone");
    lesson.title = QStringLiteral("The reader goes away");
    lesson.summary = QStringLiteral("EPIPE on the next write, and SIGPIPE's default action "
                                    "in a child that dies from it.");
    lesson.steps = {
        {QStringLiteral("Write to a pipe without readers: EPIPE"),
         QStringLiteral("When every read end of a pipe is closed, nobody can ever read what is "
                        "written. The kernel then sends SIGPIPE to the writer and fails the "
                        "write with EPIPE."),
         QStringLiteral("write() → -1 with EPIPE, and SIGPIPE is raised"), rawEpipe},
        {QStringLiteral("A transport notices even while idle"),
         QStringLiteral("A WritePipeTransport wrote 100 bytes and is idle when the reader "
                        "closes. It should not have to wait for its next write to find out."),
         QStringLiteral("connectionLost(EPIPE) without another write"), transportEpipe},
        {QStringLiteral("SIGPIPE's default action kills the writer"),
         QStringLiteral("A child `yes` with SIGPIPE at its default action writes into a pipe "
                        "whose read end we closed."),
         QStringLiteral("yes is killed by signal 13 (SIGPIPE)"), childKilledBySigpipe},
        {QStringLiteral("An ignored SIGPIPE is inherited"),
         QStringLiteral("The same child, but started without resetting SIGPIPE: it inherits "
                        "our SIG_IGN."),
         QStringLiteral("yes is not killed: it exits with an error status and reports the "
                        "broken pipe on stderr"),
         childInheritsIgnore},
    };
    return lesson;
}

} // namespace PipeScope::Lessons
