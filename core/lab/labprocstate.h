#pragma once
/// \file labprocstate.h
/// What a lab child process is doing: the explorer's ProcessState (one reading of
/// /proc/PID/stat, wchan and syscall), under the name the Lab's API has always used.

#include "processstate.h"

namespace PipeScope {

using LabProcState = ProcessState;

} // namespace PipeScope
