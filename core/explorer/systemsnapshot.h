#pragma once
/// \file systemsnapshot.h
/// One scan of the system's pipes: value types only, so the scanner, the diagnostics, the
/// tracker, the CLI and the GUI models all share plain data that tests can also build by hand.
/// The small structs live together here because they only make sense as parts of a snapshot.

#include "error.h"
#include "pipescopeexport.h"
#include "procparsers.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PipeScope {

enum class PipeKind { Pipe, Fifo };

/// Identifies a pipe across processes and scans. Anonymous pipes are named by their pipefs
/// inode alone (device 0); FIFOs by the (st_dev, st_ino) of the file, since paths are
/// ambiguous across mount namespaces.
struct PIPESCOPE_CORE_EXPORT PipeKey
{
    PipeKind kind = PipeKind::Pipe;
    quint64 device = 0;
    quint64 inode = 0;

    friend bool operator==(const PipeKey &a, const PipeKey &b)
    {
        return a.kind == b.kind && a.device == b.device && a.inode == b.inode;
    }
    friend bool operator!=(const PipeKey &a, const PipeKey &b) { return !(a == b); }
};
PIPESCOPE_CORE_EXPORT size_t qHash(const PipeKey &key, size_t seed = 0);

/// What one endpoint's process is doing with respect to this fd.
enum class EndpointState {
    Unknown,          ///< the process's state could not be read
    Running,          ///< on a CPU or runnable
    Sleeping,         ///< asleep somewhere that is not a pipe operation (sleep, wait, poll...)
    BlockedRead,      ///< blocked in read() on this fd: the pipe is empty
    BlockedWrite,     ///< blocked in write() on this fd: the pipe is full
    BlockedOpen,      ///< the process is blocked opening a FIFO (waiting for the other side)
    BlockedElsewhere, ///< the process is blocked reading or writing a different pipe fd
    Stopped,          ///< SIGSTOP / job control / ptrace stop
    Zombie            ///< exited but not reaped (only threads' fds can remain)
};

/// "unknown", "running", "sleeping", "blocked-read", "blocked-write", "blocked-open",
/// "blocked-elsewhere", "stopped", "zombie".
PIPESCOPE_CORE_EXPORT QString endpointStateName(EndpointState state);
PIPESCOPE_CORE_EXPORT bool isBlocked(EndpointState state);

/// A task of a process sleeping in a pipe or FIFO operation.
struct PIPESCOPE_CORE_EXPORT ThreadWait
{
    qint64 tid = 0;
    WaitKind kind = WaitKind::None;
    int fd = -1;           ///< the fd from /proc/.../syscall, -1 when unknown
    bool inferred = false; ///< no pipe wchan (hidden): inferred from the syscall alone
    /// FifoOpen only: the FIFO being opened, read from the open() call's arguments (needs
    /// /proc/PID/syscall and /proc/PID/mem, i.e. ptrace access); inode 0 when unknown.
    PipeKey fifo = { PipeKind::Fifo, 0, 0 };
    QString fifoPath {};   ///< as the process would see it, made absolute
    EndpointMode openMode = EndpointMode::Read; ///< O_RDONLY waits for a writer, O_WRONLY for a reader
};

struct PIPESCOPE_CORE_EXPORT ProcessInfo
{
    qint64 pid = 0;
    quint64 startTime = 0; ///< with pid, names the process across scans (pids are reused)
    qint64 ppid = 0;
    qint64 pgrp = 0;
    qint64 session = 0;
    int threads = 1;
    QString comm;
    QStringList arguments;
    QString command;       ///< arguments joined by spaces, or "[comm]"
    bool statKnown = false;
    char runState = '?';   ///< /proc/PID/stat state letter
    QString wchan;         ///< of the main thread; empty when running or hidden
    WaitKind wait = WaitKind::None;  ///< the main thread's wait
    QList<ThreadWait> pipeWaits;     ///< every task sleeping in a pipe read/write/FIFO open
    /// /proc/PID/io, read by the system monitor (not by a plain scan); nullopt when not read or
    /// not readable (another user's process).
    std::optional<ProcIo> io;
    /// Bytes per second read and written (rchar, wchar) between the previous scan and this one,
    /// set by SnapshotTracker; -1 when unknown (first scan, no io).
    double readRate = -1;
    double writeRate = -1;
    /// The fastest of readRate, writeRate and the rates of the pipes it holds (a process moving
    /// its bytes with splice(2), as pv does, shows no counters of its own); -1 when unknown.
    double flowRate = -1;
    /// Its bytes keep moving: a process seen asleep on a pipe or in poll/nanosleep is flowing in
    /// bursts, not stuck.
    bool moving() const { return flowRate > 0; }
};

struct PIPESCOPE_CORE_EXPORT PipeEndpoint
{
    qint64 pid = 0;
    int fd = -1;
    EndpointMode mode = EndpointMode::Read;
    EndpointState state = EndpointState::Unknown;
    qint64 stateSinceMs = -1; ///< monotonic ms when a tracker first saw this state, -1 unknown

    bool reads() const { return mode != EndpointMode::Write; }
    bool writes() const { return mode != EndpointMode::Read; }
};

/// A task asleep in open() of a FIFO until a process opens the other side: it holds no fd
/// yet, so it is not an endpoint, but it is the first thing to see when "nothing happens".
struct PIPESCOPE_CORE_EXPORT FifoOpener
{
    qint64 pid = 0;
    qint64 tid = 0;
    EndpointMode mode = EndpointMode::Read; ///< the end it asked for
    qint64 sinceMs = -1; ///< monotonic ms when a tracker first saw it waiting, -1 unknown
};

struct PIPESCOPE_CORE_EXPORT Diagnostic
{
    enum class Severity { Info, Warning, Error };
    enum class Kind {
        WriterBlockedOnFullPipe,
        ReaderStalled,    ///< blocked on an empty pipe whose writers are all stopped or stuck
        Deadlock,         ///< a cycle in the wait graph: nobody in it can ever proceed
        NoReader,         ///< writers but no reader: the next write gets EPIPE
        NoWriter,         ///< readers but no writer: EOF once the queue drains
        LeakedWriteEnd,   ///< a write end held where it keeps the reader from seeing EOF
        MultipleWriters,  ///< writes larger than PIPE_BUF may interleave
        OpenBlocked       ///< a process waits in open() of a FIFO for the other side
    };
    Severity severity = Severity::Info;
    Kind kind = Kind::MultipleWriters;
    QString text;
    PipeKey pipe;
    QList<QPair<qint64, int>> endpoints; ///< (pid, fd) the diagnostic is about
};

/// "info", "warning", "error".
PIPESCOPE_CORE_EXPORT QString severityName(Diagnostic::Severity severity);
/// "writer-blocked", "reader-stalled", "deadlock", "no-reader", "no-writer", "leaked-write-end",
/// "multiple-writers", "open-blocked".
PIPESCOPE_CORE_EXPORT QString diagnosticKindName(Diagnostic::Kind kind);

struct PIPESCOPE_CORE_EXPORT PipeInfo
{
    PipeKey key;
    QString path;          ///< FIFO only: its path as the holders see it
    bool deleted = false;  ///< FIFO only: unlinked since it was opened
    std::optional<qint64> queued;
    std::optional<qint64> capacity;
    QString unreachableReason; ///< why queued/capacity are unknown
    QList<PipeEndpoint> endpoints;
    QList<FifoOpener> openers; ///< FIFO only; a FIFO nobody holds yet has openers only
    QList<Diagnostic> diagnostics;
    /// Bytes per second through the pipe between the last two scans, from the endpoint whose
    /// counters measure it (FlowCounters::choose: as the pipeline meter does); -1 when unknown.
    double rate = -1;

    bool hasReader() const;
    bool hasWriter() const;
    bool hasEndpointIn(EndpointState state) const;
    QList<qint64> readerPids() const; ///< distinct, in endpoint order
    QList<qint64> writerPids() const;
};

/// A process whose fds could not be listed.
struct PIPESCOPE_CORE_EXPORT SkippedProcess
{
    qint64 pid = 0;
    /// Why, in words, with what would grant access; its code is the errno: EACCES/EPERM (not
    /// ours), ENOENT/ESRCH (exited meanwhile).
    Error error;
    uint uid = 0;    ///< owner of /proc/PID, when known
    QString comm;    ///< from /proc/PID/stat, which anyone may read; may be empty
};

struct PIPESCOPE_CORE_EXPORT SystemSnapshot
{
    qint64 timestampMs = 0;    ///< monotonic (QDeadlineTimer clock) when the scan started
    QList<PipeInfo> pipes;     ///< sorted by the lowest pid holding them, then inode
    QHash<qint64, ProcessInfo> processes; ///< those holding an endpoint or opening a FIFO
    int processesScanned = 0;  ///< fd tables read
    int processesSkipped = 0;  ///< fd tables we could not read or that vanished mid-scan
    int rootError = 0;         ///< errno of opening the /proc root (EMFILE, EACCES), 0 if it opened
    QList<SkippedProcess> skipped;
    /// We run in a nested PID namespace (NSpid in /proc/self/status has several ids): ends
    /// held by processes outside it are invisible, so "no reader"/"no writer" may be wrong.
    bool nestedPidNamespace = false;
    /// MonitorScope::host, set by its apply(): this process, holding the ends a lesson made.
    /// It is busy being PipeScope, not using them: its ends are described as the lesson's
    /// (PipeDiagnostics::heldByHost()), not by its own state. -1: none.
    qint64 host = -1;
    qint64 fdsScanned = 0;
    int fdsVanished = 0;       ///< closed between listing the fd table and reading the link
    qint64 endpointNs = 0;     ///< wall time listing fds, endpoints and process information
    qint64 stateNs = 0;        ///< of which reading processes (stat, cmdline, waits), summed
                               ///< over the scan's threads, plus resolving endpoint states
    qint64 fillNs = 0;         ///< wall time probing queued bytes and capacity

    const ProcessInfo *process(qint64 pid) const;
    const PipeInfo *pipe(const PipeKey &key) const;
    PipeInfo *pipe(const PipeKey &key);
    /// The pipe \a pid holds as \a fd, or nullptr.
    const PipeInfo *pipeAt(qint64 pid, int fd) const;
    /// The command of \a pid, or "pid N" if unknown.
    QString commandOf(qint64 pid) const;
};

} // namespace PipeScope
