#pragma once
/// \file pipediagnostics.h
/// Plain-words diagnostics over a SystemSnapshot: pure logic, no /proc access, so it is tested
/// on snapshots built by hand as well as on real processes.
///
/// Rules (each diagnostic names its pipe and the endpoints it is about):
/// - writer-blocked (warning): an endpoint is blocked writing a full pipe; says what each
///   reader is doing instead of reading (stopped, blocked on another pipe, busy, asleep in ...).
/// - deadlock (error): blocked processes that can only be released by each other (a knot in the
///   wait graph, see waitgraph.h), e.g. two processes each writing a full pipe to the other.
/// - reader-stalled (warning): a reader blocked on an empty pipe whose writers cannot proceed
///   until a stopped process is resumed.
/// - no-reader (warning): writers but no reader: the next write gets EPIPE (SIGPIPE).
/// - no-writer (info): readers but no writer: they get EOF once the queue drains.
/// - leaked-write-end: a write end held where it keeps readers from ever seeing EOF.
///   (a) error: a single-threaded process is blocked reading a pipe whose only write end is
///       its own (another fd of the same process): it waits for itself forever.
///   (b) warning: a process reads the pipe and also holds a write end, while some other
///       process only writes it: when that writer finishes the reader still sees no EOF. (Not
///       reported when every holder has both ends: a self-pipe, a make jobserver.)
///   (c) warning: the pipe has two or more writer processes and one of them is in a process
///       group that no other holder is in (not part of the pipeline: a daemon or background
///       job that inherited the fd).
///   (d) warning: a reader is blocked on an empty pipe whose single writer process is in
///       another process group than every reader and is itself not writing (asleep, stopped):
///       if it inherited the fd by accident, the reader never sees EOF.
///   A shell pipeline's stages share one process group (with or without job control), and a
///   subshell or parent that keeps the fd shares it too, so these rules stay quiet for
///   `(a; b) | c` and fire for a `setsid`ed or job-controlled holder. A writer that is the
///   parent or a child of a reader (subprocess stdin/stdout pipes) is never reported by (c)/(d).
/// - no-reader / no-writer are downgraded to info "not visible" when a writer is blocked
///   writing (or a reader blocked reading): that proves an end we cannot see exists.
/// - open-blocked (warning): a process sleeps in open() of a FIFO that nobody has open for
///   the other side; says how long, and what releases it.
/// - multiple-writers (info): two or more processes hold a write end: writes larger than
///   PIPE_BUF (4096 bytes) from different writers may interleave.

#include "pipescopeexport.h"
#include "systemsnapshot.h"

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT PipeDiagnostics
{
public:
    /// All diagnostics for \a snapshot. Durations ("blocked for 3 s") are measured against
    /// \a nowMs (monotonic ms, default snapshot.timestampMs) from PipeEndpoint::stateSinceMs.
    static QList<Diagnostic> analyze(const SystemSnapshot &snapshot, qint64 nowMs = -1);
    /// analyze(), then stores each diagnostic in its pipe's PipeInfo::diagnostics (replacing
    /// what was there).
    static void annotate(SystemSnapshot &snapshot, qint64 nowMs = -1);

    /// What a process is doing, in words, for "reader X is ...": "is stopped (SIGSTOP)",
    /// "is blocked writing pipe 812", "is busy (running)", "is asleep (hrtimer_nanosleep)".
    static QString activity(const SystemSnapshot &snapshot, qint64 pid);
    /// Asleep in poll/select/epoll or nanosleep while its bytes keep moving (ProcessInfo::moving()):
    /// it paces itself (pv -L, a rate limiter), sleeping between bursts, waiting for nobody.
    static bool pacesItself(const ProcessInfo &process);
    /// The words for an end of \a pipe that the snapshot's host (a lesson) holds: "held by the
    /// lesson", and for a read end ", not reading" while bytes wait and none move, ", reading"
    /// while they move and it is the only reader. Its threads' state (busy being PipeScope)
    /// says nothing about the pipe; its flow does.
    static QString heldByHost(const SystemSnapshot &snapshot, const PipeInfo &pipe, EndpointMode mode);
    /// "`yes` (pid 12)": the program name (argv[0]'s base name, else comm) and the pid.
    static QString processName(const SystemSnapshot &snapshot, qint64 pid);
};

} // namespace PipeScope
