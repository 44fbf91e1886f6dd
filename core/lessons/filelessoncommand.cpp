// A lesson file's command: its stages are the lesson context's children, observed through the
// explorer (ProcessState, the scanner's snapshot) and, for rates, the pipeline meter.
#include "filelessoncommand.h"

#include "lessoncontext.h"
#include "lessonprocess.h"
#include "pipelinemeter.h"
#include "pipelinesplitter.h"
#include "processstate.h"

#include <unistd.h>

namespace PipeScope::FileLesson {

namespace {

using Activity = ProcessState::Activity;

/// The pipe queued bytes fill when no page slot is left: a write that fits in the last
/// page's rest is merged into it, so a full pipe may hold a little less than its capacity.
bool isFull(const PipeInfo &pipe)
{
    return pipe.queued && pipe.capacity && *pipe.queued > *pipe.capacity - sysconf(_SC_PAGESIZE);
}

bool endpointOf(const PipeInfo &pipe, qint64 pid, bool writes)
{
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (endpoint.pid == pid && (writes ? endpoint.writes() : endpoint.reads()))
            return true;
    }
    return false;
}

} // namespace

bool Command::start(LessonContext &context, const QString &text, Error *error)
{
    m_text = text;
    const SplitPipeline split = PipelineSplitter::split(text);
    if (!split.ok()) {
        *error = Error(QStringLiteral("`%1`: %2").arg(text, split.error.message()));
        return false;
    }
    const QString directory = context.tempDir();
    int input = -1; // the read end of the pipe from the stage before
    for (int i = 0; i < split.stages.size(); ++i) {
        LessonProcess::Spec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), PipelineSplitter::shellScript(split.stages.at(i))};
        spec.workingDirectory = directory;
        std::optional<PipeFds> output;
        if (i + 1 < split.stages.size()) {
            if (!(output = context.makePipe(error)))
                return false;
            m_pipes << context.pipeKeys().constLast();
        }
        if (input >= 0)
            spec.fds << qMakePair(input, 0);
        if (output)
            spec.fds << qMakePair(output->write, 1);
        LessonProcess *process = context.spawn(spec, error);
        // Our copies go at once: the stages alone hold their pipes, so EOF and EPIPE come
        // as they would in a shell's pipeline.
        context.closeFd(input);
        if (output) {
            context.closeFd(output->write);
            input = output->read;
        }
        if (!process) {
            context.closeFd(input);
            return false;
        }
        const ProcessState started = ProcessState::read(process->pid(), QStringLiteral("/proc"),
                                                        ProcessState::Files::StatOnly);
        m_stages << Stage {process, {process->pid(), started.stat().startTime}, split.stages.at(i)};
    }
    return true;
}

void Command::meter(LessonContext &context)
{
    auto *meter = new PipelineMeter(&context);
    if (!meter->attach(m_stages.value(0).target.pid)) {
        m_meterError = meter->errorString();
        delete meter;
        return;
    }
    m_meter = meter;
}

bool Command::sendSignal(int signal, Error *error) const
{
    for (const Stage &stage : m_stages) {
        if (stage.process && stage.process->isRunning()
            && !ProcessControl::sendSignal(stage.target, signal, error))
            return false;
    }
    return true;
}

bool Command::hasExited() const
{
    for (const Stage &stage : m_stages) {
        if (stage.process && stage.process->isRunning())
            return false;
    }
    return true;
}

bool Command::holds(const QString &condition, const LessonContext &context) const
{
    if (condition == QLatin1String("exited"))
        return hasExited();
    if (condition == QLatin1String("pipe-full")) {
        const PipeInfo *full = pipe(context.scanPipes());
        return full && isFull(*full);
    }
    const Activity wanted = condition == QLatin1String("blocked-writing") ? Activity::BlockedWriting
                          : condition == QLatin1String("blocked-reading") ? Activity::BlockedReading
                          : condition == QLatin1String("opening-fifo") ? Activity::WaitingForPartner
                                                                         : Activity::Stopped;
    // "stopped" is the whole command (a signal goes to every stage); the others one stage.
    int running = 0, matching = 0;
    for (const Stage &stage : m_stages) {
        if (!stage.process || !stage.process->isRunning())
            continue;
        ++running;
        matching += ProcessState::read(stage.target.pid).activity() == wanted ? 1 : 0;
    }
    return wanted == Activity::Stopped ? running > 0 && matching == running : matching > 0;
}

QString Command::describe() const
{
    QStringList parts;
    for (const Stage &stage : m_stages) {
        if (!stage.process)
            continue;
        const QString what = stage.process->isRunning()
            ? ProcessState::read(stage.target.pid).text()
            : stage.process->statusText();
        parts << QStringLiteral("`%1` (pid %2): %3").arg(stage.text).arg(stage.target.pid).arg(what);
    }
    return parts.join(QStringLiteral("; "));
}

const PipeInfo *Command::pipe(const SystemSnapshot &snapshot) const
{
    if (!m_pipes.isEmpty()) {
        for (const PipeInfo &pipe : snapshot.pipes) {
            if (pipe.key == m_pipes.first())
                return &pipe;
        }
        return nullptr; // nobody holds it any more
    }
    for (const Stage &stage : m_stages) {
        for (const PipeInfo &pipe : snapshot.pipes) {
            if (endpointOf(pipe, stage.target.pid, true))
                return &pipe;
        }
    }
    return nullptr;
}

std::optional<int> Command::exitStatus() const
{
    if (!hasExited() || m_stages.isEmpty() || !m_stages.last().process)
        return std::nullopt;
    const LessonProcess *last = m_stages.last().process;
    return last->exitSignal() != 0 ? 128 + last->exitSignal() : last->exitCode();
}

std::optional<int> Command::exitSignal() const
{
    if (!hasExited() || m_stages.isEmpty() || !m_stages.last().process)
        return std::nullopt;
    return m_stages.last().process->exitSignal();
}

std::optional<double> Command::rate(Error *error) const
{
    if (!m_meter) {
        *error = Error(m_meterError.isEmpty() ? QStringLiteral("no meter on this command") : m_meterError);
        return std::nullopt;
    }
    const MeterSnapshot snapshot = m_meter->lastSnapshot();
    if (snapshot.pipes.isEmpty() || snapshot.pipes.first().rate < 0) {
        *error = Error(QStringLiteral("the meter has no full 1 s window yet (%1 s metered)").arg(snapshot.t, 0, 'f', 1));
        return std::nullopt;
    }
    return snapshot.pipes.first().rate;
}

std::optional<double> Command::bottleneck(QString *verdict, Error *error) const
{
    if (!m_meter) {
        *error = Error(m_meterError.isEmpty() ? QStringLiteral("no meter on this command") : m_meterError);
        return std::nullopt;
    }
    const MeterSnapshot snapshot = m_meter->lastSnapshot();
    const Bottleneck &found = snapshot.bottleneck;
    if (found.stage < 0) {
        *error = Error(found.text.isEmpty()
                ? QStringLiteral("the meter has no verdict yet (%1 s metered)").arg(snapshot.t, 0, 'f', 1)
                : QStringLiteral("the meter names no stage: %1").arg(found.text));
        return std::nullopt;
    }
    *verdict = found.text;
    return found.stage + 1;
}

} // namespace PipeScope::FileLesson
