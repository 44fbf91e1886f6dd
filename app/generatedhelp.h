#pragma once
/// \file generatedhelp.h
/// `pipescope --help-man` and `pipescope --help-completion SHELL`: the man page and the
/// completion scripts, generated at build time from the commands' own help.

#include <QString>

namespace PipeScope::App {

/// Prints what \a what names ("man", "bash" or "zsh") to stdout; returns the exit status.
/// Needs a QCoreApplication (it runs this program's commands with --help).
int printGeneratedHelp(const QString &what);

} // namespace PipeScope::App
