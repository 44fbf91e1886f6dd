// libFuzzer harness: /proc/PID/fdinfo/N and the readlink text of /proc/PID/fd/N (a FIFO's path
// is chosen by whoever made it, and may end in " (deleted)" or hold newlines).
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

namespace {

void checkFdTarget(const QByteArray &link)
{
    const FdTarget target = ProcParsers::parseFdTarget(link);
    const FdTarget::Kind quick = ProcParsers::targetKind(link);
    if (target.kind == FdTarget::Kind::Pipe) {
        FUZZ_CHECK(link.startsWith("pipe:["), "a pipe without the pipe:[ prefix");
        FUZZ_CHECK(quick == FdTarget::Kind::Pipe, "targetKind disagrees on a pipe");
    }
    if (target.kind == FdTarget::Kind::Path) {
        // Relative paths are paths too (the fixtures use them); the path is the link's text
        // without " (deleted)".
        FUZZ_CHECK(quick == FdTarget::Kind::Path, "targetKind disagrees on a path");
        const QByteArray suffix(" (deleted)");
        FUZZ_CHECK(target.deleted == link.endsWith(suffix), "deleted disagrees with the suffix");
        FUZZ_CHECK(target.path == QString::fromUtf8(target.deleted ? link.chopped(suffix.size()) : link),
                   "the path is not the link's text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const std::optional<FdInfo> info = ProcParsers::parseFdInfo(text)) {
        const EndpointMode mode = ProcParsers::modeFromFlags(info->flags);
        FUZZ_CHECK(!endpointModeName(mode).isEmpty(), "a mode without a name");
    }
    checkFdTarget(text);
    if (size >= 4) {
        unsigned int bits = 0;
        for (int i = 0; i < 4; ++i)
            bits = (bits << 8) | data[i];
        const std::optional<EndpointMode> mode = ProcParsers::modeFromLinkPermissions(bits);
        if (mode)
            FUZZ_CHECK(!endpointModeName(*mode).isEmpty(), "a link mode without a name");
    }
    return 0;
}
