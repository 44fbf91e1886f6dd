// libFuzzer harness: /proc/PID/stat, which holds the process name any user chooses.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<ProcStat> stat = ProcParsers::parseStat(text);
    if (!stat)
        return 0;
    // The name is whatever lies between the first '(' and the last ')'.
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    FUZZ_CHECK(open > 0 && close >= open, "parsed a stat line without ( ... )");
    FUZZ_CHECK(stat->comm == QString::fromUtf8(text.mid(open + 1, close - open - 1)),
               "comm is not the text between the first '(' and the last ')'");
    return 0;
}
