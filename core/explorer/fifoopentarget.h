#pragma once
/// \file fifoopentarget.h
/// Internal to the explorer: which FIFO a task asleep in open() (wchan wait_for_partner) is
/// opening, and for which end. The path is in the task's memory: it is read through
/// /proc/PID/mem at the address /proc/PID/syscall gives (both need the same ptrace access)
/// and resolved as the task would resolve it: absolute paths under /proc/PID/root, relative
/// ones under /proc/PID/cwd or the directory fd it passed to openat().
///
/// The FIFO is only stat()ed, never opened: an open would complete the very rendezvous the
/// task waits for (docs/kernel-behaviour.md §8). Symbolic links inside the path are followed from our
/// root, not the task's, so a container's absolute symlinks may not resolve.

#include "procparsers.h"
#include "systemsnapshot.h"

namespace PipeScope::FifoOpenTarget {

/// Sets wait->fifo, fifoPath and openMode from \a syscall of process \a pid (its /proc
/// directory name, relative to \a procFd). False, leaving \a wait as it was, when the call is
/// no open(), the memory or path cannot be read, or the path is not a FIFO (any more).
bool resolve(int procFd, const char *pid, const SyscallInfo &syscall, ThreadWait *wait);

} // namespace PipeScope::FifoOpenTarget
