#pragma once
/// \file flowcounters.h
/// Which process's /proc/PID/io counters measure the bytes through a pipe: the one rule the
/// pipeline meter and the system view (watch, the System page) share.
///
/// rchar and wchar count every read() and write() of a process, on any fd, and not splice(2)
/// or tee(2) (pv moves its data with splice: its counters stand still while bytes flow). So a
/// pipe's rate comes from its writer's wchar when the writer writes nowhere else, else from its
/// reader's rchar when the reader reads nowhere else, else from whichever end is readable (then
/// approximate). An end whose counter lags far behind the other's is splice-blind and not used.

#include <QtGlobal>

namespace PipeScope::FlowCounters {

/// What is known of one end's process, for choosing.
struct End
{
    bool known = false;       ///< its /proc/PID/io was readable
    bool elsewhere = false;   ///< it also reads (a reader) or writes (a writer) other fds
    bool spliceBlind = false; ///< its counter lags the other end's (see lags())
};

enum class Side { None, Writer, Reader };

/// The end whose counter gives the pipe's rate.
Side choose(const End &writer, const End &reader);

/// \a self (bytes one end counted over a span) trails \a other (the other end's, same span)
/// so far that buffering cannot explain it: more than 1 MiB moved and self saw < 1/4 of it.
bool lags(quint64 self, quint64 other);

} // namespace PipeScope::FlowCounters
