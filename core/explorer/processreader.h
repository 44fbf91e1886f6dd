#pragma once
/// \file processreader.h
/// Internal to ProcScanner: everything the scan reads about one process -- its pipe and FIFO
/// ends (readlinkat over /proc/PID/fd, the end from the link's lstat bits), then its stat,
/// command line, owner, and what its tasks wait for. Stateless apart from the options, so
/// several threads can each run one over their share of /proc.

#include "procscanner.h"

namespace PipeScope {

/// One pipe or FIFO end found in a process's fd table.
struct FoundEndpoint
{
    PipeKey key;
    QString path;
    bool deleted = false;
    PipeEndpoint endpoint;
};

/// What reading one /proc/PID gave.
struct ProcessResult
{
    bool listed = false;          ///< its fd table was read (false: see skipped)
    bool skippedValid = false;
    SkippedProcess skipped;
    ProcessInfo info;             ///< valid when endpoints is not empty
    QList<FoundEndpoint> endpoints;
    qint64 fds = 0;
    int fdsVanished = 0;
    qint64 stateNs = 0;
};

class ProcessReader
{
public:
    explicit ProcessReader(const ScanOptions &options) : m_options(options) { }
    /// Reads process \a name (a pid) under the procfs directory \a procFd.
    ProcessResult read(int procFd, const char *name) const;

private:
    bool listEndpoints(int pidFd, qint64 pid, ProcessResult *result, int *error) const;
    std::optional<FoundEndpoint> endpointAt(int pidFd, int fdDir, const char *fdName, qint64 pid,
                                            ProcessResult *result) const;
    bool readInfo(int pidFd, qint64 pid, ProcessInfo *info, int *error) const;
    void readWaits(int pidFd, ProcessInfo *info) const;
    void readTaskWaits(int pidFd, ProcessInfo *info) const;
    static SkippedProcess skip(int procFd, const char *name, qint64 pid, int error);

    ScanOptions m_options;
};

} // namespace PipeScope
