#pragma once
/// \file pipelinesplitter.h
/// Splits a shell pipeline ("a | b 'x|y' | c") into its stages: a pure function over text, so
/// it is tested (and fuzzed) without running anything.
///
/// Splits at every `|` outside single quotes, double quotes, backslash escapes, `$(...)`,
/// backquotes, `(...)` subshells and `{ ...; }` groups. `||` is not a pipe: it makes the text one
/// stage (run by /bin/sh, which gives it its meaning). `|&` is refused (not POSIX sh).

#include "error.h"
#include "pipescopeexport.h"

#include <QString>
#include <QStringList>

namespace PipeScope {

struct PIPESCOPE_CORE_EXPORT SplitPipeline
{
    QStringList stages;     ///< each stage's text without the white space around it (but an
                            ///< escaped trailing blank, `echo a \ `); empty on error
    Error error;            ///< empty on success: "empty stage 2 (between two |)"... (code 0)
    int errorOffset = -1;   ///< character offset of the problem in the input, or -1
    bool ok() const { return !error; }
};

namespace PipelineSplitter {

/// Stages of \a pipeline, or an error for an empty pipeline, an empty stage, an unterminated
/// quote or parenthesis, or `|&`.
PIPESCOPE_CORE_EXPORT SplitPipeline split(const QString &pipeline);

/// True when \a stage can run as `exec STAGE` under /bin/sh -c, so the stage's PID is the
/// program's: one command with its arguments and redirections, no `;`, `&`, `&&`, `||`,
/// subshell, group, leading assignment, keyword or shell-only builtin (cd, read, export...).
PIPESCOPE_CORE_EXPORT bool isSimpleCommand(const QString &stage);

/// The /bin/sh -c script for \a stage: "exec STAGE" when isSimpleCommand(), else STAGE.
PIPESCOPE_CORE_EXPORT QString shellScript(const QString &stage);

} // namespace PipelineSplitter

} // namespace PipeScope
