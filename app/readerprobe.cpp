#include "readerprobe.h"

#include <pipescope/safeprobe.h>

namespace PipeScope::App {

std::optional<PipeProbe> probeThroughReader(const PipeProbe &requested, Error *error)
{
    SafeProbe::Options options;
    options.sample = false; // inspect samples and peeks itself, through the probe returned
    const SafeProbeResult result = SafeProbe::probeTarget(requested, options);
    if (result.refusal) {
        *error = Error(result.error.message() + QStringLiteral(" Use --open-anyway to open it all the same."));
        return std::nullopt;
    }
    return result.probe;
}

} // namespace PipeScope::App
