#pragma once
/// \file processio.h
/// Internal to the system monitor: the I/O counters of the processes of a snapshot, and the
/// pipe rates they give -- how `watch` and the System page see bytes move between scans.

#include "systemsnapshot.h"

namespace PipeScope::ProcessIo {

/// Reads /proc/PID/io of every process in \a snapshot (under \a procRoot) into ProcessInfo::io.
void read(SystemSnapshot &snapshot, const QString &procRoot);

/// Sets PipeInfo::rate of every pipe with one writer and one reader process from their
/// readRate/writeRate, by FlowCounters::choose (an end "elsewhere" when it holds another pipe
/// end of the same direction; a counter lagging the other's a quarter is splice-blind).
void setPipeRates(SystemSnapshot &snapshot);

} // namespace PipeScope::ProcessIo
