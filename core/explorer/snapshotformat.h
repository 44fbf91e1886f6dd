#pragma once
/// \file snapshotformat.h
/// Snapshots as JSON (the `pipescope list --json` shape) and as terminal text. Used by the
/// CLI commands; the text helpers escape control characters, since a command line may hold
/// newlines or escape sequences.
///
/// JSON of one pipe:
/// \code
/// {"inode":N,"kind":"pipe"|"fifo","path":S|null,"capacity":N|null,"queued":N|null,
///  "reason":S (only when queued/capacity are null: why the pipe could not be reached),
///  "endpoints":[{"pid":N,"fd":N,"command":S,"mode":"r"|"w"|"rw","state":S}],
///  "openers":[{"pid":N,"tid":N,"command":S,"mode":"r"|"w","state":"blocked-open",
///              "waiting_ms":N|null}]  (FIFOs: processes asleep in open() of it),
///  "diagnostics":[{"severity":"info"|"warning"|"error","text":S}]}
/// \endcode

#include "pipescopeexport.h"
#include "systemsnapshot.h"

#include <QJsonObject>
#include <QSet>

#include <functional>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT SnapshotFormat
{
public:
    using PipeFilter = std::function<bool(const PipeInfo &)>;

    /// The processes holding an end of \a pipe or asleep opening it.
    static QSet<qint64> participants(const PipeInfo &pipe);
    /// The pipes the CLI shows: with \a onlyPid > 0 those that process holds or opens;
    /// otherwise all of them if \a all, else all but self-pipes (one process holding both
    /// ends, as event loops do to wake themselves) and pipes only \a selfPid holds.
    static PipeFilter cliFilter(qint64 onlyPid, bool all, qint64 selfPid);
    /// One process holds every end, and it holds both a read and a write end.
    static bool isSelfPipe(const PipeInfo &pipe);

    static QJsonObject pipeToJson(const SystemSnapshot &snapshot, const PipeInfo &pipe);
    /// {"pipes":[...],"processes_scanned":N,"processes_skipped":N} with the pipes \a include
    /// accepts (all when empty).
    static QJsonObject toJson(const SystemSnapshot &snapshot, const PipeFilter &include = {});

    /// \a text with control characters shown as \n, \t, \xNN.
    static QString escaped(const QString &text);
    /// "pipe 14376" or "FIFO /tmp/f (deleted)".
    static QString pipeTitle(const PipeInfo &pipe);
    /// "✖" (error), "⚠" (warning) or "ℹ" (info): a diagnostic's mark in the views.
    static QString severityMark(Diagnostic::Severity severity);
    /// "8192/65536 (12%)", or "?" plus the reason when unknown.
    static QString fillText(const PipeInfo &pipe);
    /// "1.5 GB", "812 B" (decimal units).
    static QString bytesText(double bytes);
    /// "1.0 MB/s" (decimal units, as the pipeline meter gives rates), or "-" when unknown (< 0).
    static QString rateText(double bytesPerSecond);
    /// "`cat` (pid 12) in open() for writing, waiting 3 s".
    static QString openerText(const SystemSnapshot &snapshot, const FifoOpener &opener, qint64 nowMs);
    /// A pipe, its endpoints and diagnostics as indented lines, ending in a newline.
    static QString pipeText(const SystemSnapshot &snapshot, const PipeInfo &pipe);
    /// "12 pipes; 310 processes scanned, 3 skipped (exited during the scan: 2; ...)".
    static QString summary(const SystemSnapshot &snapshot, int pipesShown);
};

} // namespace PipeScope
