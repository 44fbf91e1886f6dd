#pragma once
/// \file procparsers.h
/// Pure parsers for the /proc files the explorer reads. They take the file's text (bytes, as
/// read) and never touch the file system, so they are tested on checked-in fixtures with
/// awkward process names (spaces, parentheses, newlines).

#include "pipescopeexport.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace PipeScope {

/// Which ends of a pipe an fd holds.
enum class EndpointMode { Read, Write, ReadWrite };

/// The fields of /proc/PID/stat the explorer uses.
struct PIPESCOPE_CORE_EXPORT ProcStat
{
    qint64 pid = 0;
    QString comm;        ///< between the first '(' and the LAST ')': may hold ") (", spaces, '\n'
    char state = '?';    ///< R S D T t Z X I ...
    qint64 ppid = 0;
    qint64 pgrp = 0;
    qint64 session = 0;
    int threads = 1;     ///< num_threads
    quint64 utime = 0;   ///< clock ticks in user mode (sysconf(_SC_CLK_TCK) a second)
    quint64 stime = 0;   ///< clock ticks in kernel mode
    quint64 startTime = 0; ///< clock ticks after boot: with the pid it names one process for good
};

/// /proc/PID/io: bytes and calls through read()/write() and friends, over every fd the process
/// has (files and sockets too), including its threads and its reaped children. splice(2) and
/// tee(2) are not counted.
struct PIPESCOPE_CORE_EXPORT ProcIo
{
    quint64 rchar = 0;
    quint64 wchar = 0;
    quint64 syscr = 0;
    quint64 syscw = 0;
};

/// /proc/PID/schedstat: nanoseconds on a CPU and runnable but waiting for one.
struct PIPESCOPE_CORE_EXPORT ProcSchedstat
{
    quint64 runNs = 0;
    quint64 waitNs = 0;
};

/// What an fd link (/proc/PID/fd/N) points at, from its readlink text.
struct PIPESCOPE_CORE_EXPORT FdTarget
{
    enum class Kind { Pipe, Path, Other };
    Kind kind = Kind::Other;
    quint64 inode = 0;   ///< for Kind::Pipe: the N of "pipe:[N]"
    QString path;        ///< for Kind::Path: the path without the " (deleted)" suffix
    bool deleted = false;
};

/// The fields of /proc/PID/fdinfo/N the explorer uses.
struct PIPESCOPE_CORE_EXPORT FdInfo
{
    int flags = 0;       ///< open flags (the file holds them in octal)
    int mntId = -1;
    std::optional<quint64> inode; ///< "ino:" only exists since Linux 5.14
};

/// The fields of /proc/PID/status the explorer uses.
struct PIPESCOPE_CORE_EXPORT ProcStatus
{
    std::optional<uint> uid;    ///< the real uid ("Uid:" first field)
    int pidNamespaceDepth = 0;  ///< see ProcParsers::pidNamespaceDepth()
};

/// /proc/PID/syscall: the system call a sleeping task is in.
struct PIPESCOPE_CORE_EXPORT SyscallInfo
{
    enum class Status { InSyscall, Running, NotInSyscall };
    Status status = Status::NotInSyscall;
    long number = -1;
    std::array<quint64, 6> args {};
};

/// What a sleeping task waits for, from its wchan.
enum class WaitKind {
    None,       ///< not sleeping in the kernel, or wchan hidden ("0")
    PipeRead,   ///< anon_pipe_read, pipe_read, pipe_wait_readable
    PipeWrite,  ///< anon_pipe_write, pipe_write, pipe_wait_writable
    PipeEither, ///< pipe_wait (before 5.5: used by both directions; the syscall tells which)
    FifoOpen,   ///< wait_for_partner: open() of a FIFO waiting for the other side
    Poll,       ///< poll/select/epoll
    Other
};

namespace ProcParsers {

/// What parseStat() does with a line that ends (or stops being numeric) after the state letter.
enum class StatTail {
    Required, ///< nullopt: every real /proc/PID/stat has all the fields
    Optional  ///< the fields found so far, the rest left at their defaults (hand-written text)
};

/// /proc/PID/stat. Fields are counted from the last ')', because the name may contain one.
PIPESCOPE_CORE_EXPORT std::optional<ProcStat> parseStat(const QByteArray &text, StatTail tail = StatTail::Required);

/// /proc/PID/io ("rchar: N" lines); nullopt without an rchar and a wchar line.
PIPESCOPE_CORE_EXPORT std::optional<ProcIo> parseIo(const QByteArray &text);

/// /proc/PID/schedstat ("run_ns wait_ns timeslices").
PIPESCOPE_CORE_EXPORT std::optional<ProcSchedstat> parseSchedstat(const QByteArray &text);

/// /proc/PID/status (the "Uid:" and "NSpid:" lines).
PIPESCOPE_CORE_EXPORT ProcStatus parseStatus(const QByteArray &text);

/// /proc/PID/cmdline: NUL-separated arguments; the final NUL is optional (set by setproctitle).
PIPESCOPE_CORE_EXPORT QStringList parseCmdline(const QByteArray &text);

/// The command shown for a process: its arguments joined by spaces, or "[comm]" when the
/// command line is empty (kernel threads, zombies).
PIPESCOPE_CORE_EXPORT QString commandLine(const QStringList &arguments, const QString &comm);

/// /proc/PID/wchan: the kernel function name, or an empty string for "0" (running, or hidden
/// from other users).
PIPESCOPE_CORE_EXPORT QString parseWchan(const QByteArray &text);

/// Classifies a wchan name; matches loosely so both 6.x (anon_pipe_*) and older kernel names
/// (pipe_read, pipe_write, pipe_wait, pipe_wait_readable) are recognised.
PIPESCOPE_CORE_EXPORT WaitKind classifyWchan(const QString &wchan);

/// /proc/PID/syscall: "running", "-1 sp pc", or "nr arg1..arg6 sp pc" in hex.
PIPESCOPE_CORE_EXPORT std::optional<SyscallInfo> parseSyscall(const QByteArray &text);

/// The fd a task blocked in \a info waits on for \a kind, or -1 when the call has none or is
/// not one that touches a pipe (read/readv/write/writev/splice/tee/vmsplice).
PIPESCOPE_CORE_EXPORT int waitedFd(const SyscallInfo &info, WaitKind kind);

/// The direction of a pipe call in \a info (PipeRead or PipeWrite), or PipeEither if unknown.
PIPESCOPE_CORE_EXPORT WaitKind syscallDirection(const SyscallInfo &info);

/// True when \a info is an open()/openat()/openat2() call.
PIPESCOPE_CORE_EXPORT bool isOpenCall(const SyscallInfo &info);

/// The arguments of the open()/openat()/openat2() call a task sleeps in. The path and, for
/// openat2, the flags are in the task's memory: /proc/PID/mem at the addresses given.
struct PIPESCOPE_CORE_EXPORT OpenCall
{
    int dirFd = -100;          ///< AT_FDCWD for open()
    quint64 pathAddress = 0;
    std::optional<int> flags;  ///< nullopt for openat2: the u64 at howAddress (open_how.flags)
    quint64 howAddress = 0;
};
PIPESCOPE_CORE_EXPORT std::optional<OpenCall> openCall(const SyscallInfo &info);

/// /proc/PID/status: how many nested PID namespaces the "NSpid:" line shows (1 = the initial
/// one; 0 if the line is missing, before Linux 4.1).
PIPESCOPE_CORE_EXPORT int pidNamespaceDepth(const QByteArray &status);

/// /proc/PID/fdinfo/N.
PIPESCOPE_CORE_EXPORT std::optional<FdInfo> parseFdInfo(const QByteArray &text);

/// A readlink target of /proc/PID/fd/N: "pipe:[123]", "/path", "/path (deleted)", "socket:[..]".
PIPESCOPE_CORE_EXPORT FdTarget parseFdTarget(const QByteArray &link);
/// Just the kind of \a link, without building the path (cheaper: most paths are no FIFO).
/// Pipe only says "pipe:[" prefix; parseFdTarget also checks the inode.
PIPESCOPE_CORE_EXPORT FdTarget::Kind targetKind(const QByteArray &link);

/// The end an fd holds from its open flags (flags & O_ACCMODE).
PIPESCOPE_CORE_EXPORT EndpointMode modeFromFlags(int flags);

/// The end from the permission bits of the /proc/PID/fd/N link itself (lstat): 0500 read,
/// 0300 write, 0700 both. Anything else (a plain symlink is 0777) gives nullopt.
PIPESCOPE_CORE_EXPORT std::optional<EndpointMode> modeFromLinkPermissions(unsigned int mode);

} // namespace ProcParsers

/// "r", "w" or "rw".
PIPESCOPE_CORE_EXPORT QString endpointModeName(EndpointMode mode);

} // namespace PipeScope
