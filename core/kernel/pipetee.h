#pragma once
/// \file pipetee.h
/// Internal to PipeProbe: copies the head of a pipe's queue without consuming it.

#include "error.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PipeScope {

class PipeTee
{
public:
    /// The first \a n bytes queued in the pipe read by \a source (at most the queue, and at
    /// most 1 MiB or /proc/sys/fs/pipe-max-size), without consuming them: tee(2) with
    /// SPLICE_F_NONBLOCK into a private O_NONBLOCK pipe sized to hold them, then read back.
    /// An empty pipe gives an empty QByteArray at once. \a sourceCapacity is the source's
    /// F_GETPIPE_SZ; \a name names the source in messages. nullopt + *error on failure.
    static std::optional<QByteArray> peek(int source, qsizetype n, int sourceCapacity,
                                          const QString &name, Error *error);
};

} // namespace PipeScope
