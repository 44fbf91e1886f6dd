#pragma once
/// \file labjson.h
/// The saved form of a lab (File > Save lab), so a teacher can prepare a demo and reopen it.
///
/// \code{.json}
/// { "format": "pipescope-lab", "version": 1,
///   "pipes": [ { "kind": "pipe", "name": "demo", "capacity": 65536,
///                "writer": { "highWater": 65536, "lowWater": 16384,
///                            "generator": { "rate": 16384, "chunk": 512,
///                                           "pattern": "text", "running": true } },
///                "reader": { "maxRate": 0, "paused": false } },
///              { "kind": "fifo", "path": "/tmp/demo.fifo", "openReader": true, ... } ],
///   "children": [ { "command": "gzip -c", "stdin": { ...pipe settings... },
///                   "stdout": { ...pipe settings... } } ] }
/// \endcode
/// Only settings are saved, not bytes: a loaded lab starts with empty pipes.

#include "error.h"

#include <QJsonObject>
#include <QStringList>

namespace PipeScope {

class LabPipe;

class LabJson
{
public:
    static constexpr int Version = 1;
    static QString formatName() { return QStringLiteral("pipescope-lab"); }

    /// Capacity, water marks, generator and reader settings of \a pipe.
    static QJsonObject pipeSettings(const LabPipe *pipe);
    /// Applies what pipeSettings() saved; problems are appended to \a errors.
    static void applyPipeSettings(LabPipe *pipe, const QJsonObject &settings, QStringList *errors);
    /// Checks "format" and "version"; false with \a error if this is not a lab file.
    static bool checkHeader(const QJsonObject &json, Error *error);
    static QJsonObject header();
};

} // namespace PipeScope
