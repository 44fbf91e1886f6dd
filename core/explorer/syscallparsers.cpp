// The ProcParsers part that decodes /proc/PID/syscall: which system call a sleeping task is in,
// which fd it waits on, and the arguments of an open() in progress. Syscall numbers are this
// build's architecture's (<sys/syscall.h>).
#include "procparsers.h"

#include <initializer_list>
#include <limits>
#include <sys/syscall.h>

namespace PipeScope {

namespace {

std::optional<quint64> toHex(const QByteArray &field)
{
    bool ok = false;
    const QByteArray digits = field.startsWith("0x") ? field.mid(2) : field;
    const quint64 value = digits.toULongLong(&ok, 16);
    return ok ? std::optional<quint64>(value) : std::nullopt;
}

bool isAnyOf(long number, std::initializer_list<long> numbers)
{
    for (long candidate : numbers) {
        if (candidate >= 0 && candidate == number)
            return true;
    }
    return false;
}

// Syscall numbers differ per architecture; <sys/syscall.h> gives this build's. open() does not
// exist on every architecture (aarch64 only has openat).
#ifdef SYS_open
constexpr long SysOpen = SYS_open;
#else
constexpr long SysOpen = -1;
#endif
#ifdef SYS_openat2
constexpr long SysOpenat2 = SYS_openat2;
#else
constexpr long SysOpenat2 = -1;
#endif

bool isReadCall(long nr)
{
    return isAnyOf(nr, { SYS_read, SYS_readv, SYS_preadv, SYS_preadv2 });
}

bool isWriteCall(long nr)
{
    return isAnyOf(nr, { SYS_write, SYS_writev, SYS_pwritev, SYS_pwritev2 });
}

// The kernel takes an fd argument as an unsigned int: the low 32 bits count, and a value
// above INT_MAX is no fd (the call fails with EBADF), so it is -1 here, never a negative fd.
int fdArgument(quint64 value)
{
    const quint32 fd = quint32(value);
    return fd > quint32(std::numeric_limits<int>::max()) ? -1 : int(fd);
}

} // namespace

namespace ProcParsers {

std::optional<SyscallInfo> parseSyscall(const QByteArray &text)
{
    const QByteArray line = text.trimmed();
    SyscallInfo info;
    if (line == "running") {
        info.status = SyscallInfo::Status::Running;
        return info;
    }
    const QList<QByteArray> fields = line.split(' ');
    bool isNumber = false;
    info.number = long(fields.value(0).toLongLong(&isNumber));
    if (!isNumber)
        return std::nullopt;
    if (info.number < 0)
        return info; // "-1 sp pc": blocked, but not inside a system call
    if (fields.size() < 7)
        return std::nullopt;
    for (int i = 0; i < 6; ++i) {
        const auto arg = toHex(fields[i + 1]);
        if (!arg)
            return std::nullopt;
        info.args[size_t(i)] = *arg;
    }
    info.status = SyscallInfo::Status::InSyscall;
    return info;
}

WaitKind syscallDirection(const SyscallInfo &info)
{
    if (info.status != SyscallInfo::Status::InSyscall)
        return WaitKind::PipeEither;
    if (isReadCall(info.number))
        return WaitKind::PipeRead;
    if (isWriteCall(info.number) || info.number == SYS_vmsplice)
        return WaitKind::PipeWrite;
    return WaitKind::PipeEither;
}

int waitedFd(const SyscallInfo &info, WaitKind kind)
{
    if (info.status != SyscallInfo::Status::InSyscall)
        return -1;
    const long nr = info.number;
    if (isReadCall(nr) || isWriteCall(nr) || nr == SYS_vmsplice)
        return fdArgument(info.args[0]);
    // splice(fd_in, off_in, fd_out, ...) and tee(fd_in, fd_out, ...): the side that waits
    // depends on whether the task sleeps for data (read) or for room (write).
    if (nr == SYS_splice)
        return fdArgument(kind == WaitKind::PipeWrite ? info.args[2] : info.args[0]);
    if (nr == SYS_tee)
        return fdArgument(kind == WaitKind::PipeWrite ? info.args[1] : info.args[0]);
    return -1;
}

bool isOpenCall(const SyscallInfo &info)
{
    return info.status == SyscallInfo::Status::InSyscall
            && isAnyOf(info.number, { SysOpen, SYS_openat, SysOpenat2 });
}

std::optional<OpenCall> openCall(const SyscallInfo &info)
{
    if (!isOpenCall(info))
        return std::nullopt;
    OpenCall call;
    if (info.number == SysOpen) { // open(path, flags, mode)
        call.pathAddress = info.args[0];
        call.flags = int(info.args[1]);
        return call;
    }
    call.dirFd = int(info.args[0]); // the low 32 bits: AT_FDCWD reads 0xffffffffffffff9c
    call.pathAddress = info.args[1];
    if (info.number == SYS_openat)
        call.flags = int(info.args[2]);
    else
        call.howAddress = info.args[2];
    return call;
}

} // namespace ProcParsers

} // namespace PipeScope
