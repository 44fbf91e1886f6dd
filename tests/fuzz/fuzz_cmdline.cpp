// libFuzzer harness: /proc/PID/cmdline, NUL-separated and rewritable by the process itself.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QStringList arguments = ProcParsers::parseCmdline(text);
    for (const QString &argument : arguments)
        FUZZ_CHECK(!argument.contains(QChar(0)), "an argument holds a NUL");
    const QString command = ProcParsers::commandLine(arguments, QStringLiteral("comm"));
    FUZZ_CHECK(!command.isEmpty(), "an empty command line");
    return 0;
}
