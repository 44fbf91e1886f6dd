#pragma once
/// \file helpcatalog.h
/// Every command's help, gathered from the program itself: the source the man page and the
/// shell completions are generated from (`pipescope --help-man`, `--help-completion SHELL`).

#include "helptext.h"

#include <optional>

namespace PipeScope::App {

struct CommandHelp
{
    QString name;
    QString summary; ///< the one line `pipescope --help` lists it with
    HelpText help;   ///< what `pipescope NAME --help` prints
};

struct HelpCatalog
{
    QString version;             ///< "0.1.0"
    HelpText program;            ///< `pipescope --help` without its command list
    QList<CommandHelp> commands; ///< sorted by name
    QStringList lessons;         ///< lesson ids, in the catalog's order

    /// Runs `program --help` and `program COMMAND --help` for every registered command, each
    /// in a child process as a user would, and parses what they print. On failure returns
    /// std::nullopt and sets \a error to the command that failed and what it printed.
    static std::optional<HelpCatalog> collect(const QString &program, QString *error);
};

} // namespace PipeScope::App
