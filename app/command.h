#pragma once
/// \file command.h
/// Headless sub-commands (`pipescope inspect ...`, `pipescope list ...`). Each lives in its
/// own cmd_<name>.cpp and registers itself with PIPESCOPE_REGISTER_COMMAND, so main.cpp never
/// needs to know the list.

#include <QStringList>

#include <vector>

namespace PipeScope::App {

/// Exit statuses shared by every command.
enum ExitStatus { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

struct Command
{
    const char *name;
    const char *summary;
    /// \a arguments starts with "pipescope <name>" as argv would; returns the exit status.
    int (*run)(const QStringList &arguments);
};

const std::vector<Command> &commands();
const Command *findCommand(const QString &name);
bool registerCommand(const Command &command);

/// Prints \a message and the usage of \a parserHelp to stderr; returns ExitUsage.
int usageError(const QString &message, const QString &help);

} // namespace PipeScope::App

#define PIPESCOPE_REGISTER_COMMAND(name, summary, function)                                  \
    namespace {                                                                            \
    const bool registered_##function =                                                     \
            PipeScope::App::registerCommand({ name, summary, &function });                  \
    }
