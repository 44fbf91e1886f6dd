#pragma once
/// \file bashcompletion.h
/// The bash completion script for pipescope, generated from the commands' help.

#include "completionspec.h"

namespace PipeScope::App {

/// A script that defines `_pipescope` and registers it with `complete -F`. It needs only
/// bash (not the bash-completion package) and reads the current word from COMP_LINE and
/// COMP_POINT, so PID:FD completes whatever COMP_WORDBREAKS says about ':'.
QString bashCompletion(const CompletionSpec &spec);

} // namespace PipeScope::App
