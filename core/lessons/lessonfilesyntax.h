#pragma once
/// \file lessonfilesyntax.h
/// Internal to LessonFile: the layer below its keys -- a lesson file's text as `key: value`
/// entries with line numbers, the "line N: ..." messages, and signal names.

#include "error.h"
#include <QList>
#include <QString>

#include <optional>

namespace PipeScope::LessonFileSyntax {

struct Entry {
    QString key;     ///< lower case
    QString value;   ///< continuation lines joined with one space
    int line = 0;    ///< 1-based, of the key
};

/// "line 3: <message>".
QString at(int line, const QString &message);
/// The start of a bad line (40 characters), for a message.
QString excerpt(const QString &line);
/// `key: value` lines, with indented continuation lines joined to their value; comments (#)
/// and blank lines skipped. Refuses control characters and text that was not UTF-8.
std::optional<QList<Entry>> entriesOf(const QString &text, Error *error);
/// SIGSTOP for "STOP" or "sigstop" (the signals a lesson may send), 0 for anything else.
int signalNumber(QString name);

} // namespace PipeScope::LessonFileSyntax
