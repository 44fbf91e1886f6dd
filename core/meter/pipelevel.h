#pragma once
/// \file pipelevel.h
/// Internal: the fill of another process's pipe, through a read end reopened from
/// /proc/PID/fd/N with O_RDONLY|O_NONBLOCK and closed before returning. Never held: an extra
/// reader would keep the writer from getting EPIPE/SIGPIPE when the real reader goes.

#include <QtGlobal>

#include "error.h"

namespace PipeScope {

struct PipeLevel
{
    qint64 queued = -1;   ///< FIONREAD
    qint64 capacity = -1; ///< F_GETPIPE_SZ
    Error error;          ///< errno only; ESTALE: the fd is no longer that pipe
    bool ok() const { return queued >= 0; }
};

namespace PipeLevels {

/// Pipe \a inode as fd \a fd of process \a pid (relative to the procfs directory fd \a procFd).
PipeLevel read(int procFd, qint64 pid, int fd, quint64 inode);

} // namespace PipeLevels

} // namespace PipeScope
