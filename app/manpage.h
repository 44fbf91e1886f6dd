#pragma once
/// \file manpage.h
/// pipescope(1) in roff (man macros), written from the commands' own help.

#include "helpcatalog.h"

namespace PipeScope::App {

/// The whole man page: synopsis, the GUI's options, a subsection per command with all its
/// options and arguments, exit status, environment, files.
QString manPage(const HelpCatalog &catalog);

/// \a text escaped for roff: backslashes, dashes of option names, non-ASCII characters as
/// \[uXXXX], and a leading '.' or '\'' that would read as a request.
QString roffEscape(const QString &text);

} // namespace PipeScope::App
