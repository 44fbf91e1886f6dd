#pragma once
/// \file readerprobe.h
/// What `pipescope inspect` opens. Any open of a pipe's read end is seen by its writers: on a
/// pipe nobody else reads, the writers' EPIPE turns into success while it is held (the pipe is
/// "revived", kernel-facts §3), and opening a FIFO by its path releases a writer blocked in
/// open(), whose bytes are then lost when we close (§8). So inspect reads a pipe only through
/// a read end that a process already holds -- the one asked for, or another holder's found in
/// /proc -- and refuses, naming who would notice, when no visible process reads it.

#include <pipescope/pipeprobe.h>

#include <optional>

namespace PipeScope::App {

/// \a requested itself when it names a read end (or an fd of our own); else a probe through
/// a visible process holding the pipe's read end; nullopt with \a error saying who would be
/// affected, and that --open-anyway opens it all the same.
std::optional<PipeProbe> probeThroughReader(const PipeProbe &requested, QString *error);

} // namespace PipeScope::App
