// libFuzzer harness: /proc/PID/wchan and its classification.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString wchan = ProcParsers::parseWchan(text);
    const WaitKind kind = ProcParsers::classifyWchan(wchan);
    if (wchan.isEmpty())
        FUZZ_CHECK(kind == WaitKind::None, "an empty wchan classified as a wait");
    return 0;
}
