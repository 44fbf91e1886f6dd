// libFuzzer harness: /proc/PID/schedstat ("run_ns wait_ns timeslices"), read by the pipeline
// meter every sample.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>

using namespace PipeScope;

namespace {

bool isDecimal(const QByteArray &field)
{
    if (field.isEmpty())
        return false;
    for (const char c : field) {
        if (c < '0' || c > '9')
            return false;
    }
    bool fits = false;
    field.toULongLong(&fits);
    return fits;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<ProcSchedstat> sched = ProcParsers::parseSchedstat(text);
    const QList<QByteArray> fields = text.simplified().split(' ');
    const QByteArray run = fields.value(0), wait = fields.value(1);
    if (isDecimal(run) && isDecimal(wait)) {
        FUZZ_CHECK(sched.has_value(), "refused two decimal numbers");
        FUZZ_CHECK(sched->runNs == run.toULongLong() && sched->waitNs == wait.toULongLong(),
                   "the numbers read are not the file's first two");
    }
    if (!sched)
        return 0;
    const QByteArray line = QByteArray::number(sched->runNs) + ' ' + QByteArray::number(sched->waitNs) + " 7\n";
    const std::optional<ProcSchedstat> again = ProcParsers::parseSchedstat(line);
    FUZZ_CHECK(again && again->runNs == sched->runNs && again->waitNs == sched->waitNs,
               "schedstat does not read back its own formatting");
    return 0;
}
