#pragma once
/// \file diagnostictext.h
/// Internal to PipeDiagnostics: the wording shared by its rules, so every diagnostic names
/// processes, endpoints, pipes and durations the same way.

#include "systemsnapshot.h"

namespace PipeScope {

class DiagnosticText
{
public:
    /// "pipe 812" or "FIFO /tmp/f".
    static QString pipeName(const SystemSnapshot &snapshot, const PipeKey &key);
    /// "`cat` (pid 12, fd 0)".
    static QString endpointName(const SystemSnapshot &snapshot, qint64 pid, int fd);
    /// " for 3 s" / " for 2 min" since \a sinceMs, or empty under a second or when unknown (-1).
    static QString duration(qint64 sinceMs, qint64 nowMs);
    /// "seen blocked for 3 s" (this PipeScope has seen it so for that long: it may have been
    /// blocked before it started) or "blocked" under a second or when unknown.
    static QString seenBlocked(qint64 sinceMs, qint64 nowMs);
    /// The endpoint's seenBlocked().
    static QString seenBlocked(const PipeInfo &pipe, qint64 pid, int fd, qint64 nowMs);
    /// \a text as one word for a shell command: as is when plain, else in single quotes.
    static QString shellWord(const QString &text);
    /// What a sleeping process waits for, from its wchan: "is asleep (sleep/nanosleep)". One
    /// asleep in poll/select or nanosleep whose bytes keep moving between scans paces itself:
    /// "limits its own pace (asleep in poll/select between bursts, 1.0 MB/s)".
    static QString sleepActivity(const ProcessInfo &process);
    /// Asleep in poll/select/epoll, from the wait kind or the wchan.
    static bool polls(const ProcessInfo &process);
    /// "100, 200, 300 and 12 more" from ascending ids.
    static QString idList(QList<qint64> ids);
    /// The fd \a pid holds as a write-only end of \a pipe, or -1.
    static int writeOnlyFd(const PipeInfo &pipe, qint64 pid);
    static Diagnostic make(Diagnostic::Severity severity, Diagnostic::Kind kind, const PipeKey &pipe,
                           const QString &text, const QList<QPair<qint64, int>> &endpoints);
};

} // namespace PipeScope
