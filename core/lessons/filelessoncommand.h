#pragma once
/// \file filelessoncommand.h
/// Private to core/lessons: one `run:` command of a lesson file while the lesson runs, and
/// what a step asks of it (start, signal, wait conditions, its pipe, its exit).

#include "processcontrol.h"
#include "systemsnapshot.h"

#include <QList>
#include <QPointer>
#include <QString>

#include <optional>

namespace PipeScope {

class LessonContext;
class LessonProcess;
class PipelineMeter;

namespace FileLesson {

struct Stage {
    QPointer<LessonProcess> process; ///< owned by the context
    ProcessTarget target; ///< pid and start time: a signal goes to this process only
    QString text;
};

class Command {
public:
    /// Splits \a text at its unquoted `|` and starts the stages in the context's temp dir.
    /// False with *error if it does not split or a stage does not start (the stages already
    /// started stay the context's and go at its cleanup).
    bool start(LessonContext &context, const QString &text, Error *error);
    /// Attaches the pipeline meter (owned by the context), for `rate` and `bottleneck`.
    void meter(LessonContext &context);

    QString text() const { return m_text; }
    const QList<Stage> &stages() const { return m_stages; }
    /// Sends \a signal to every stage still running, with ProcessControl's checks.
    bool sendSignal(int signal, Error *error) const;
    /// Whether `wait: CONDITION` holds now (for pipe-full, \a snapshot is the lesson's pipes).
    bool holds(const QString &condition, const LessonContext &context) const;
    /// "yes (pid 812): blocked writing: its output pipe is full; sleep (pid 813): sleeping".
    QString describe() const;
    /// Every stage has exited and is reaped.
    bool hasExited() const;
    /// The command's pipe: a pipeline's first pipe (stage 1 to 2), or for a single command the
    /// first pipe or FIFO it holds for writing. nullptr if there is none (now).
    const PipeInfo *pipe(const SystemSnapshot &snapshot) const;
    /// The shell's $? of the pipeline (its last stage: the exit status, 128+N for signal N),
    /// nullopt while it runs.
    std::optional<int> exitStatus() const;
    /// The signal that ended the last stage (0 if it exited), nullopt while it runs.
    std::optional<int> exitSignal() const;
    /// Bytes/s through the command's first pipe over the meter's last >= 1 s window; nullopt
    /// and *error (why, code 0) while unknown.
    std::optional<double> rate(Error *error) const;
    /// The stage (1-based) the meter names as the bottleneck over its last window, with the
    /// meter's sentence ("gzip -9 (stage 3 of 4) holds the pipeline back: ...") in *verdict;
    /// nullopt and *error (why, code 0) while unknown (no window yet) or when the pipeline is
    /// balanced.
    std::optional<double> bottleneck(QString *verdict, Error *error) const;

private:
    QString m_text;
    QList<Stage> m_stages;
    QList<PipeKey> m_pipes; ///< pipe K joins stage K+1 to K+2 (0-based: K to K+1)
    QPointer<PipelineMeter> m_meter;
    QString m_meterError;
};

} // namespace FileLesson
} // namespace PipeScope
