// A lesson file run as a Lesson: each step starts its commands, sends its signals, waits for
// its conditions one after the other (continuations of the event loop, never a blocking
// wait), then compares what the explorer and the meter observe.
#include "filelesson.h"

#include "filelessoncommand.h"
#include "filelessonexpect.h"
#include "lessoncontext.h"

#include <QElapsedTimer>

#include <cstring>

#include <memory>

namespace PipeScope::FileLesson {

namespace {

/// What a file lesson's run keeps between steps: its commands, by number - 1.
struct RunState {
    QList<std::shared_ptr<Command>> commands;
};

/// What one step saw while it ran, before its comparisons.
struct Progress {
    QStringList lines;
    QString failure; ///< why the step cannot match (a wait that timed out), or empty
    QVariantMap values;
};

using File = std::shared_ptr<const LessonFile>;

/// Commands whose `rate` or `bottleneck` a comparison of the lesson reads get a meter from
/// their start.
bool needsMeter(const LessonFile &file, int number)
{
    const QStringList names { QStringLiteral("rate:%1").arg(number), QStringLiteral("bottleneck:%1").arg(number) };
    for (const LessonFileStep &step : file.steps) {
        for (const LessonFileExpect &expect : step.expects) {
            if (names.contains(expect.left) || names.contains(expect.right))
                return true;
        }
    }
    return false;
}

int commandsBefore(const LessonFile &file, int stepIndex)
{
    int count = 0;
    for (int i = 0; i < stepIndex; ++i)
        count += int(file.steps.at(i).commands.size());
    return count;
}

Observation conclude(const LessonFileStep &step, LessonContext &context, const RunState &state,
                     const Progress &progress)
{
    QList<const Command *> commands;
    for (const auto &command : state.commands)
        commands << command.get();
    const Comparisons result = compare(step.expects, commands, context.scanPipes());
    Observation o;
    o.matches = progress.failure.isEmpty() && result.allHold;
    QStringList observed = progress.lines;
    observed << result.lines;
    o.observed = observed.isEmpty() ? QStringLiteral("done") : observed.join(QStringLiteral("; "));
    const QString text = o.matches ? step.okText : step.failText;
    o.why = progress.failure.isEmpty() ? text
          : text.isEmpty() ? progress.failure
                           : QStringLiteral("%1 %2").arg(progress.failure, text);
    o.prediction = result.predictions.join(QStringLiteral(", "));
    o.values = progress.values;
    for (auto it = result.values.cbegin(); it != result.values.cend(); ++it)
        o.values.insert(it.key(), it.value());
    return o;
}

void waitFrom(const File &file, int stepIndex, int waitIndex, LessonContext &context,
              const std::shared_ptr<Progress> &progress, const StepDone &done);

/// Continues after wait \a waitIndex came true (or ends the step if it did not).
void afterWait(const File &file, int stepIndex, int waitIndex, LessonContext &context,
               const std::shared_ptr<Progress> &progress, const StepDone &done, bool met,
               qint64 elapsedMs)
{
    const LessonFileStep &step = file->steps.at(stepIndex);
    const LessonFileWait &wait = step.waits.at(waitIndex);
    RunState &state = context.state<RunState>();
    const QString what = wait.condition == QLatin1String("time")
        ? QStringLiteral("waited %1 ms").arg(wait.withinMs)
        : QStringLiteral("%1 %2").arg(wait.condition).arg(wait.target);
    progress->values.insert(QStringLiteral("wait%1Ms").arg(waitIndex + 1), elapsedMs);
    if (!met) {
        progress->failure = QStringLiteral("`wait: %1` did not happen within %2 ms: %3.")
                                .arg(what)
                                .arg(wait.withinMs)
                                .arg(state.commands.at(wait.target - 1)->describe());
        progress->lines << QStringLiteral("%1: not within %2 ms").arg(what).arg(wait.withinMs);
        done(conclude(step, context, state, *progress));
        return;
    }
    if (wait.condition != QLatin1String("time"))
        progress->lines << QStringLiteral("%1 after %2 ms").arg(what).arg(elapsedMs);
    waitFrom(file, stepIndex, waitIndex + 1, context, progress, done);
}

void waitFrom(const File &file, int stepIndex, int waitIndex, LessonContext &context,
              const std::shared_ptr<Progress> &progress, const StepDone &done)
{
    const LessonFileStep &step = file->steps.at(stepIndex);
    RunState &state = context.state<RunState>();
    if (waitIndex >= step.waits.size()) {
        done(conclude(step, context, state, *progress));
        return;
    }
    const LessonFileWait &wait = step.waits.at(waitIndex);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const auto next = [=, &context](bool met) {
        afterWait(file, stepIndex, waitIndex, context, progress, done, met, clock->elapsed());
    };
    if (wait.condition == QLatin1String("time")) {
        context.after(wait.withinMs, [next] { next(true); });
        return;
    }
    const std::shared_ptr<Command> command = state.commands.at(wait.target - 1);
    const QString condition = wait.condition;
    LessonWait &waiting = context.when(
        [command, condition, &context] { return command->holds(condition, context); },
        wait.withinMs, next);
    // A process asleep in the kernel announces itself through no fd: look at /proc (a
    // pipe-full check scans the lesson's pipes, so it looks less often).
    waiting.recheckEvery(condition == QLatin1String("pipe-full") ? 20 : LessonContext::ProcPollMs);
}

/// Starts the step's commands and sends its signals; false with *error if one failed.
bool startAndSignal(const LessonFile &file, int stepIndex, LessonContext &context,
                    Progress &progress, Error *error)
{
    const LessonFileStep &step = file.steps.at(stepIndex);
    RunState &state = context.state<RunState>();
    if (state.commands.size() != commandsBefore(file, stepIndex)) {
        *error = Error(QStringLiteral("the previous steps did not run"));
        return false;
    }
    for (const QString &text : step.commands) {
        auto command = std::make_shared<Command>();
        state.commands << command; // numbered even if it fails: the file's numbers hold
        if (!command->start(context, text, error))
            return false;
        const int number = int(state.commands.size());
        if (needsMeter(file, number))
            command->meter(context);
        QStringList pids;
        for (const Stage &stage : command->stages())
            pids << QString::number(stage.target.pid);
        progress.lines << QStringLiteral("started %1: `%2` (pid %3)").arg(number).arg(text, pids.join(u','));
    }
    for (const auto &[signal, target] : step.signalsToSend) {
        if (!state.commands.at(target - 1)->sendSignal(signal, error))
            return false;
        progress.lines << QStringLiteral("sent SIG%1 to %2")
                              .arg(QString::fromLatin1(sigabbrev_np(signal)))
                              .arg(target);
    }
    return true;
}

StepRun stepRun(const File &file, int stepIndex)
{
    return [file, stepIndex](LessonContext &context, const StepDone &done) {
        auto progress = std::make_shared<Progress>();
        Error error;
        if (!startAndSignal(*file, stepIndex, context, *progress, &error)) {
            done(Observation::failure(error.message()));
            return;
        }
        waitFrom(file, stepIndex, 0, context, progress, done);
    };
}

} // namespace

Lesson toLesson(const LessonFile &lessonFile)
{
    const auto file = std::make_shared<const LessonFile>(lessonFile);
    Lesson lesson {file->id, file->title, file->summary, {}};
    for (int i = 0; i < file->steps.size(); ++i) {
        const LessonFileStep &step = file->steps.at(i);
        lesson.steps.append(Step {step.title, step.explanation, step.prediction, stepRun(file, i)});
    }
    return lesson;
}

} // namespace PipeScope::FileLesson
