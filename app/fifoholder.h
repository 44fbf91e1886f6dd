#pragma once
/// \file fifoholder.h
/// `pipescope inspect FIFO-PATH` without opening the FIFO by its path. Opening a read end
/// would release a writer blocked in open() -- whose bytes are then lost when we close -- and,
/// while held, would turn the writers' EPIPE into success (kernel-facts §3, §8). So the FIFO is
/// looked up in /proc and read through a process that already holds its read end, as any other
/// process's pipe is: read-only, O_NONBLOCK, for an instant.

#include <pipescope/pipeprobe.h>

#include <optional>

namespace PipeScope::App {

/// A probe of the FIFO at \a path through a visible holder of its read end; nullopt with
/// \a error saying why not: no such FIFO, or nobody visible reads it -- then who is waiting or
/// writing, and that --open-path opens it anyway.
std::optional<PipeProbe> probeFifoThroughReader(const QString &path, QString *error);

} // namespace PipeScope::App
