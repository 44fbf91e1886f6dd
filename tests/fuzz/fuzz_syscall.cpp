// libFuzzer harness: /proc/PID/syscall and the open() call decoder that reads the FIFO path's
// address out of it.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<SyscallInfo> info = ProcParsers::parseSyscall(text);
    if (!info)
        return 0;
    for (WaitKind kind : { WaitKind::PipeRead, WaitKind::PipeWrite, WaitKind::PipeEither,
                           WaitKind::FifoOpen, WaitKind::Other }) {
        FUZZ_CHECK(ProcParsers::waitedFd(*info, kind) >= -1, "a waited fd below -1");
    }
    const WaitKind direction = ProcParsers::syscallDirection(*info);
    FUZZ_CHECK(direction == WaitKind::PipeRead || direction == WaitKind::PipeWrite
                       || direction == WaitKind::PipeEither,
               "a direction that is not read, write or either");
    const std::optional<ProcParsers::OpenCall> call = ProcParsers::openCall(*info);
    FUZZ_CHECK(call.has_value() == (info->status == SyscallInfo::Status::InSyscall
                                    && ProcParsers::isOpenCall(*info)),
               "openCall() decoded a call that is not an open in progress (or refused one)");
    return 0;
}
