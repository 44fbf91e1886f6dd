// libFuzzer harness: /proc/PID/status (the NSpid line tells a nested PID namespace).
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const int depth = ProcParsers::pidNamespaceDepth(text);
    FUZZ_CHECK(depth >= 0, "negative PID namespace depth");
    if (!text.contains("NSpid:"))
        FUZZ_CHECK(depth == 0, "a depth without an NSpid: line");
    return 0;
}
