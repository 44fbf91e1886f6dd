#pragma once
/// \file readerprobe.h
/// What `pipescope inspect` opens: SafeProbe's rule (a pipe is read only through a read end
/// some process already holds -- the one asked for, or another holder's found in /proc), with
/// the refusal worded for the command line, which offers --open-anyway.

#include <pipescope/pipeprobe.h>

#include <optional>

namespace PipeScope::App {

/// \a requested itself when it names a read end (or an fd of our own); else a probe through
/// a visible process holding the pipe's read end; nullopt with \a error saying who would be
/// affected, and that --open-anyway opens it all the same.
std::optional<PipeProbe> probeThroughReader(const PipeProbe &requested, Error *error);

} // namespace PipeScope::App
