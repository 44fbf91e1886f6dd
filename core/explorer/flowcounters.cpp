#include "flowcounters.h"

namespace PipeScope::FlowCounters {

Side choose(const End &writer, const End &reader)
{
    const bool writerUsable = writer.known && !writer.spliceBlind;
    const bool readerUsable = reader.known && !reader.spliceBlind;
    if (writerUsable && !writer.elsewhere)
        return Side::Writer;
    if (readerUsable && !reader.elsewhere)
        return Side::Reader;
    return writerUsable ? Side::Writer : readerUsable ? Side::Reader : Side::None;
}

bool lags(quint64 self, quint64 other)
{
    constexpr quint64 Noticeable = 1 << 20; // a pipe and a stage's buffer hold far less
    return other > Noticeable && self < other / 4;
}

} // namespace PipeScope::FlowCounters
