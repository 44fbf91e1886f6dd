#pragma once
/// \file pipeopeners.h
/// Ways to get the fds a transport opens: an anonymous pipe, the read side of a FIFO.
/// (The write side of a FIFO waits for a reader: FifoWriterOpener. A child's stdin and
/// stdout: ChildProcess.) Every fd made here is O_CLOEXEC.

#include "error.h"
#include "pipescopeexport.h"

#include <QString>

#include <optional>

namespace PipeScope {

class ReadPipeTransport;
class WritePipeTransport;

struct PIPESCOPE_CORE_EXPORT PipeFds
{
    int read = -1;
    int write = -1;
};

namespace Openers {

/// pipe2(O_CLOEXEC); on failure std::nullopt and \a error says why.
PIPESCOPE_CORE_EXPORT std::optional<PipeFds> anonymousPipe(Error *error = nullptr);

/// Opens \a reader and \a writer on the two ends of a new anonymous pipe.
PIPESCOPE_CORE_EXPORT bool openAnonymousPipe(ReadPipeTransport *reader, WritePipeTransport *writer,
                                             Error *error = nullptr);

/// mkfifo(path, mode); an existing FIFO at \a path that we own is fine, anything else there
/// is an error: a symbolic link, and a FIFO of another user (in a shared directory such as
/// /tmp, its owner would receive what we write; the error names the owner).
PIPESCOPE_CORE_EXPORT bool makeFifo(const QString &path, Error *error = nullptr, int mode = 0600);

/// "user nobody (uid 65534)", or "uid 1234" when it has no name.
PIPESCOPE_CORE_EXPORT QString ownerName(uint uid);

/// Opens the read side of the FIFO at \a path (O_RDONLY|O_NONBLOCK, so it never blocks);
/// returns the fd or -1 with \a error set ("not a FIFO", ENOENT, EACCES...).
PIPESCOPE_CORE_EXPORT int openFifoReader(const QString &path, Error *error = nullptr);

} // namespace Openers
} // namespace PipeScope
