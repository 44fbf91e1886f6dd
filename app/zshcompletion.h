#pragma once
/// \file zshcompletion.h
/// The zsh completion function for pipescope (`_pipescope`), generated from the commands' help.

#include "completionspec.h"

namespace PipeScope::App {

/// A `#compdef pipescope` file for a directory on $fpath: _arguments specs with each
/// option's description, commands with their summaries.
QString zshCompletion(const CompletionSpec &spec);

} // namespace PipeScope::App
