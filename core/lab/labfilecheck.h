#pragma once
/// \file labfilecheck.h
/// What a lab may be given: bounded names, paths and command lines, and a saved lab file whose
/// every value has the right type and range. A lab file comes from anyone (a download, a
/// colleague's demo), so nothing in it is truncated, wrapped or ignored silently: a value that
/// does not fit is an error naming where it is ("pipes[2] capacity: 4294971392 is out of range
/// 1 to 2147483647"), and the file is refused before the current lab is touched.

#include "error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace PipeScope {

class LabFileCheck
{
public:
    /// Longest pipe name, in characters: a name is a label, and text layout of megabytes of
    /// it freezes a view.
    static constexpr qsizetype MaxNameLength = 256;
    /// Longest child command line, in characters.
    static constexpr qsizetype MaxCommandLength = 4096;
    /// Largest generator rate and reader speed limit (the spin boxes' range), bytes/s.
    static constexpr qint64 MaxRate = qint64(1) << 30;

    /// A pipe name: at most MaxNameLength characters, no NUL or other control character.
    static bool checkName(const QString &name, Error *error);
    /// A FIFO path: not empty, no NUL (the kernel would see a shorter path), and shorter than
    /// PATH_MAX bytes once encoded.
    static bool checkFifoPath(const QString &path, Error *error);
    /// A child's command line: not empty, no NUL, at most MaxCommandLength characters.
    static bool checkCommand(const QString &command, Error *error);

    /// Every problem in the pipes and children of a lab file whose header is valid; empty if
    /// Lab::fromJson() can build all of it as written.
    static QStringList check(const QJsonObject &json);
};

} // namespace PipeScope
