#pragma once
/// \file completionspec.h
/// What a shell may offer at each point of a pipescope command line, read from the commands'
/// help: their options, which options take a value, and what their values and positional
/// arguments are (a PID, a PID:FD pair, a lesson, a file, or literal words like `run`).

#include "helpcatalog.h"

namespace PipeScope::App {

/// What a value is, so that a shell can list candidates for it.
enum class ValueKind {
    Text,   ///< nothing to offer (a number of bytes, milliseconds...)
    Pid,    ///< a process that holds a pipe or FIFO
    PidFd,  ///< PID:FD of a pipe or FIFO end
    Lesson, ///< a lesson id
    File,   ///< a path
    Command, ///< one of pipescope's commands
};

/// "pid", "pidfd", "lesson", "file", "command" or "text": how the completion scripts name a kind.
QString kindName(ValueKind kind);

struct CompletionOption
{
    QStringList names;   ///< "-n", "--bytes"
    bool takesValue = false;
    ValueKind kind = ValueKind::Text;
    QString description;
};

/// One positional argument: the literal words it may be and the kinds of value it may be.
struct CompletionSlot
{
    QStringList words;
    QList<ValueKind> kinds;
    QString placeholder; ///< as the usage line writes it, e.g. "NAME"
    bool repeats = false; ///< "PID..."
};

struct CompletionCommand
{
    QString name; ///< empty for pipescope itself (the GUI's options)
    QString summary;
    QList<CompletionOption> options;
    /// The usage's alternatives ("list | run NAME" is two), each a sequence of slots.
    QList<QList<CompletionSlot>> alternatives;
};

struct CompletionSpec
{
    QList<CompletionCommand> commands; ///< the first is pipescope itself
    QStringList lessons;

    static CompletionSpec from(const HelpCatalog &catalog);
};

} // namespace PipeScope::App
