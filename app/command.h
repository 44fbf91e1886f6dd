#pragma once
/// \file command.h
/// Headless sub-commands (`pipescope inspect ...`, `pipescope list ...`). Each lives in its
/// own cmd_<name>.cpp and registers itself with PIPESCOPE_REGISTER_COMMAND, so main.cpp never
/// needs to know the list.

#include <QStringList>

#include <optional>
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

// Every number a command takes goes through these: ASCII digits only (no sign, blank, "0x"
// or exponent), checked against its range before it is used, so an overflowing value is an
// error and never wraps to another process, fd or size.

/// \a text as a decimal in [minimum, maximum]; nullopt and *error ("--interval needs a
/// number from 10 to 2147483647, got '0'") otherwise. \a what names the value for the message.
std::optional<qint64> parseNumber(const QString &text, qint64 minimum, qint64 maximum,
                                  const QString &what, QString *error);
/// A process id: 1 to the largest pid_t.
std::optional<qint64> parsePid(const QString &text, const QString &what, QString *error);
/// A byte count: digits with an optional K or M (binary multiples), in [0, \a maximum].
std::optional<qint64> parseByteCount(const QString &text, qint64 maximum, const QString &what,
                                     QString *error);

/// True when process \a pid exists (its /proc/PID/stat reads), whoever owns it.
bool processExists(qint64 pid);
/// Prints "pipescope COMMAND: no process PID" to stderr; returns ExitFailure. What every
/// command that takes a PID says when there is none (list --pid, peek, stop, cont, inspect).
int noProcess(const char *command, qint64 pid);

/// A process and one of its descriptors, as "PID:FD" on the command line.
struct PidFd
{
    qint64 pid = 0;
    int fd = -1;
};
/// "PID:FD" with PID 1 to the largest pid_t and FD 0 to the largest int (PipeProbe::fromSpec
/// checks the syntax and both ranges); nullopt and *error otherwise.
std::optional<PidFd> parsePidFd(const QString &text, QString *error);

} // namespace PipeScope::App

#define PIPESCOPE_REGISTER_COMMAND(name, summary, function)                                  \
    namespace {                                                                            \
    const bool registered_##function =                                                     \
            PipeScope::App::registerCommand({ name, summary, &function });                  \
    }
