#pragma once
/// \file helptext.h
/// QCommandLineParser's help text read back into its parts. The man page and the shell
/// completions are generated from what `pipescope --help` and `pipescope COMMAND --help`
/// print, so they describe exactly the options the parsers accept and cannot drift.

#include <QList>
#include <QStringList>

#include <optional>

namespace PipeScope::App {

struct HelpOption
{
    QStringList names; ///< with their dashes: "-n", "--count"
    QString valueName; ///< "N" for `--count <N>`; empty for a flag
    QString description;
};

struct HelpArgument
{
    QString name;
    QString description;
};

/// A section a command appends after Qt's text ("Lessons:" and its indented lines).
struct HelpSection
{
    QString title;     ///< without the colon
    QStringList lines; ///< without the two-space indent
};

struct HelpText
{
    QString usage;           ///< after "Usage: ", e.g. "pipescope list [options]"
    QStringList description; ///< the parser's application description, line by line
    QList<HelpOption> options;
    QList<HelpArgument> arguments;
    QList<HelpSection> sections;

    /// The positional syntax: the usage after the program, the command and "[options]".
    QString positionalSyntax() const;
};

/// Parses the text of QCommandLineParser::helpText() (Qt 6: "Usage:", the description,
/// "Options:", "Arguments:") plus trailing sections; std::nullopt if it is not such a text.
std::optional<HelpText> parseHelpText(const QString &text);

} // namespace PipeScope::App
