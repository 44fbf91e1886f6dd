#pragma once
/// \file processreader.h
/// Internal to ProcScanner: everything the scan reads about one process -- its pipe and FIFO
/// ends (readlinkat over /proc/PID/fd, the end from the link's lstat bits), then its stat,
/// command line, owner, and what its tasks wait for, including the FIFO an open() waits on.
/// A process that holds no pipe is read further only if its main task waits in a FIFO open.
/// Stateless apart from the options, so
/// several threads can each run one over their share of /proc.

#include "procscanner.h"

#include <array>

namespace PipeScope {

class ProcessState;

/// One pipe or FIFO end found in a process's fd table.
struct FoundEndpoint
{
    PipeKey key;
    QString path;
    bool deleted = false;
    PipeEndpoint endpoint;
};

/// One /proc/PID, named relative to the procfs root: every file is opened as "PID/name" from
/// the root's fd, which costs one path walk per file but saves opening and closing /proc/PID
/// itself for every process.
struct ProcessDir
{
    int procFd = -1;
    const char *pid = nullptr;
    /// "PID/suffix", for the *at() calls relative to procFd.
    std::array<char, 160> path(const char *suffix) const;
};

/// What reading one /proc/PID gave.
struct ProcessResult
{
    bool listed = false;          ///< its fd table was read (false: see skipped)
    bool skippedValid = false;
    SkippedProcess skipped;
    ProcessInfo info;             ///< valid when endpoints is not empty, or it waits in a FIFO open
    QList<FoundEndpoint> endpoints;
    qint64 fds = 0;
    int fdsVanished = 0;
    qint64 stateNs = 0;
};

class ProcessReader
{
public:
    /// \a procfs: the root is a real procfs (see ProcDirectory::Listing::ShortReadEnds).
    ProcessReader(const ScanOptions &options, bool procfs) : m_options(options), m_procfs(procfs) { }
    /// Reads process \a name (a pid) under the procfs directory \a procFd.
    ProcessResult read(int procFd, const char *name) const;

private:
    bool listEndpoints(const ProcessDir &dir, qint64 pid, ProcessResult *result, Error *error) const;
    std::optional<FoundEndpoint> endpointAt(const ProcessDir &dir, int fdDir, const char *fdName,
                                            qint64 pid, ProcessResult *result, Error *error) const;
    bool readInfo(const ProcessDir &dir, qint64 pid, ProcessInfo *info, Error *error) const;
    void readWaits(const ProcessDir &dir, const ProcessState &state, ProcessInfo *info) const;
    void readTaskWaits(const ProcessDir &dir, ProcessInfo *info) const;
    /// The main task sleeps in wait_for_partner (other tasks are read only for holders).
    static bool isOpeningFifo(const ProcessDir &dir);
    static SkippedProcess skip(int procFd, const char *name, qint64 pid, const Error &error);

    ScanOptions m_options;
    bool m_procfs;
};

} // namespace PipeScope
