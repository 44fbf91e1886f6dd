#pragma once
/// \file pipelinediscovery.h
/// Finds the running pipeline a process belongs to, for `pipescope attach PID`, from /proc
/// alone (no ptrace).
///
/// Stages are linked only through the pipes on fds 0 and 1 (fd 2 counts when it is the same
/// pipe as fd 1, as `|&` makes it). Other inherited pipe fds are never followed: one a shell or
/// a make jobserver passed to every child would pull in the whole session. Candidates are the
/// children of one parent (the shell that started the pipeline) and their descendants, so a
/// subshell or `xargs` and its children holding the same pipe are one stage. The PID may be
/// any stage or the shell itself. A sibling whose fds we may not read (another user's) joins at
/// an end of the chain whose pipe has no known process on the other side, ordered by PID (a
/// shell starts stages left to right), with noAccess set.

#include "error.h"
#include "pipescopeexport.h"

#include <QList>
#include <QString>

#include <optional>

namespace PipeScope {

struct PIPESCOPE_CORE_EXPORT DiscoveredStage
{
    QList<qint64> pids;  ///< the main process first (a child of the shell), then the others
    QString command;     ///< the main process's command line
    bool noAccess = false; ///< its fds are not readable: placed by PID order, io unknown
};

struct PIPESCOPE_CORE_EXPORT DiscoveredPipeline
{
    qint64 parent = 0;              ///< the shell (the stages' common parent)
    QList<DiscoveredStage> stages;  ///< writer end first
    QList<quint64> pipeInodes;      ///< pipe K joins stage K to stage K+1
};

class PIPESCOPE_CORE_EXPORT PipelineDiscovery
{
public:
    enum class Failure { None, NoSuchProcess, NotAPipeline, AccessDenied };

    /// The pipeline of \a pid. nullopt with \a failure and \a error ("no process 812",
    /// "process 812 (sleep) is not in a pipeline: ...") when there is none.
    static std::optional<DiscoveredPipeline> find(qint64 pid, Failure *failure, Error *error,
                                                  const QString &procRoot = QStringLiteral("/proc"));
};

} // namespace PipeScope
