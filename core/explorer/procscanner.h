#pragma once
/// \file procscanner.h
/// Finds every pipe and FIFO held by any process we may inspect, by reading /proc: the ends
/// (readlinkat over /proc/PID/fd, the end from the link's lstat permission bits), the state of
/// each holder (stat, wchan, syscall), and the fill level of each pipe we can reach.
///
/// Non-destructive: fill levels come from SafeProbe, which reopens an existing *read* end read-only and
/// O_NONBLOCK for the sample only. A pipe nobody reads is not probed (a read end of ours would
/// hide EPIPE from its writers, docs/kernel-behaviour.md §3), and neither is a FIFO without a reader
/// (opening it would release a writer blocked in open(), §8).
///
/// The per-process reads are spread over a few threads (each process is independent); the
/// result is merged in /proc order, so it does not depend on the thread count.
///
/// Thread-safety: reentrant. scan() and sampleFillLevels() are const and keep nothing between
/// calls (every fd and buffer is local to the call), so one ProcScanner may be used from any
/// thread, and from several at once; SystemMonitor scans on its own worker thread.
///
/// Processes that exit mid-scan and processes we may not read are counted in
/// SystemSnapshot::skipped with the reason; a scan never fails as a whole.
///
/// Example:
/// \code
///   PipeScope::ProcScanner scanner;            // or ProcScanner(fixtureDir) in tests
///   PipeScope::SystemSnapshot snapshot = scanner.scan();
///   PipeScope::PipeDiagnostics::annotate(snapshot);
/// \endcode

#include "pipescopeexport.h"
#include "systemsnapshot.h"

namespace PipeScope {

struct PIPESCOPE_CORE_EXPORT ScanOptions
{
    /// Read stat/wchan/syscall of every process holding an end and set the endpoint states.
    /// Without it, ProcessInfo has the command and ids only and states stay Unknown.
    bool states = true;
    /// Probe queued bytes and capacity of every reachable pipe (see sampleFillLevels()).
    bool fillLevels = true;
    /// Threads reading /proc: 0 picks up to 4 (QThread::idealThreadCount()); small scans (under
    /// 64 processes or pipes) always use the calling thread alone.
    int threads = 0;
    /// Only these processes (e.g. one program and its children); every process when empty.
    /// A pid that does not exist is counted in SystemSnapshot::skipped (ENOENT).
    QList<qint64> pids;
};

class PIPESCOPE_CORE_EXPORT ProcScanner
{
public:
    /// \a root is where procfs is mounted; tests pass a fixture tree.
    explicit ProcScanner(const QString &root = QStringLiteral("/proc"));

    QString root() const { return m_root; }

    SystemSnapshot scan(const ScanOptions &options = {}) const;

    /// Probes queued bytes and capacity of the pipes in \a only (all pipes when empty), through
    /// one of their read ends; sets PipeInfo::unreachableReason where that is not possible.
    /// The GUI uses this to refresh only the pipes on screen. \a threads as in ScanOptions.
    void sampleFillLevels(SystemSnapshot &snapshot, const QList<PipeKey> &only = {},
                          int threads = 0) const;

private:
    QString m_root;
};

} // namespace PipeScope
