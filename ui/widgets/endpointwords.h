#pragma once
/// \file endpointwords.h
/// The words the endpoint graph writes under a process ("✖ blocked writing pipe 812",
/// "→ flowing (3.1 MB/s)") and beside a pipe's gauge, in the diagnostics' terms.

#include <pipescope/systemsnapshot.h>

#include <QString>

namespace PipeScope::Ui {

struct GraphWords
{
    /// How much the words tell: a box shows the most telling of its endpoints' words, in red
    /// when they alarm.
    enum Rank { State, Notable, Alarm };
    QString text;
    Rank rank = State;
};

/// What a process's box says about its \a endpoint on \a pipe.
GraphWords endpointWords(const SystemSnapshot &snapshot, const PipeEndpoint &endpoint, const PipeInfo &pipe);
/// "pipe 812" or "FIFO orders.fifo": short enough for the gap between two boxes (the full
/// path is in the tooltip).
QString gaugeLabel(const PipeInfo &pipe);

} // namespace PipeScope::Ui
