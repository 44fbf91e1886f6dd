#pragma once
/// \file lesson.h
/// A lesson is data plus small step functions: each step explains one pipe rule, predicts
/// what the kernel will do, then does it on real pipes, FIFOs and processes and reports what
/// really happened. Nothing is simulated, so a kernel that behaves differently (a smaller
/// default capacity over the per-user pipe limit, a root without CAP_SYS_RESOURCE...) shows
/// up as an observation that says so, not as a lesson that pretends.
///
/// See docs/writing-a-lesson.md for how to add one.

#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariantMap>

#include <functional>
#include <type_traits>

namespace PipeScope {

class LessonContext;

/// What one step saw on this machine.
struct Observation {
    /// The observed value in words: "65536 bytes, then EAGAIN".
    QString observed;
    /// True if the observation agrees with the step's prediction.
    bool matches = false;
    /// Why it came out this way (and, when it differs, what on this machine explains it).
    QString why;
    /// The prediction made concrete with this machine's numbers ("131072 (from
    /// /proc/sys/fs/pipe-max-size = 1048576)"); empty when Step::prediction says it all.
    QString prediction;
    /// The measured numbers, by name, for tests, JSON and the GUI ("capacity": 65536).
    QVariantMap values;
    /// How long the step ran, in milliseconds (set by LessonRunner).
    qint64 elapsedMs = -1;

    static Observation check(bool matches, const QString &observed, const QString &why = {})
    {
        Observation o;
        o.matches = matches;
        o.observed = observed;
        o.why = why;
        return o;
    }
    /// A step that could not do its experiment (a program missing, a syscall failing).
    static Observation failure(const QString &what)
    {
        return check(false, QStringLiteral("could not run: %1").arg(what));
    }
};

/// Ends a running step with what it saw. The first call counts; later calls, and calls after
/// the run was abandoned (LessonRunner::restart(), the runner destroyed), are ignored.
using StepDone = std::function<void(const Observation &)>;

/// How a step runs. Two shapes convert to it:
/// - `Observation f(LessonContext &)` for a step that never waits (a few syscalls on its own
///   pipes): it runs at once and its result is the observation;
/// - `void f(LessonContext &, StepDone done)` for a step that waits for the kernel, a child
///   or a transport: it starts the experiment, asks the context to continue later
///   (LessonContext::when(), after()) and returns; the continuation calls \a done. Nothing
///   blocks and no event loop is nested: every wait is a continuation of the one event loop.
class StepRun {
public:
    StepRun() = default;
    template<typename F,
             std::enable_if_t<std::is_invocable_r_v<Observation, F, LessonContext &>, int> = 0>
    StepRun(F run) // NOLINT: implicit, so a lesson's step table reads as data
        : m_run([run](LessonContext &context, const StepDone &done) { done(run(context)); })
    {
    }
    template<typename F,
             std::enable_if_t<std::is_invocable_v<F, LessonContext &, const StepDone &>
                                      && !std::is_invocable_v<F, LessonContext &>,
                              int> = 0>
    StepRun(F run) : m_run(std::move(run)) // NOLINT: implicit, as above
    {
    }

    explicit operator bool() const { return bool(m_run); }
    void operator()(LessonContext &context, const StepDone &done) const { m_run(context, done); }

private:
    std::function<void(LessonContext &, const StepDone &)> m_run;
};

/// One experiment. It runs in the thread of the runner (the GUI or main thread) and stays
/// well under a few seconds; while it waits, the event loop serves transports and repaints.
struct Step {
    QString title;
    /// One paragraph: the rule this step shows and why the kernel behaves so.
    QString explanation;
    /// What will happen, in words a student can check against the observation.
    QString prediction;
    StepRun run;
};

struct Lesson {
    QString id; ///< "capacity": the name for `pipescope lesson run`
    QString title; ///< "How much a pipe holds"
    QString summary; ///< one sentence for the list
    /// Run in order; a step may rely on what earlier steps left in the LessonContext.
    QList<Step> steps;
};

} // namespace PipeScope

Q_DECLARE_METATYPE(PipeScope::Observation)
