// The names of the meter's enums, as the CLI and the JSON lines spell them.
#include "metersnapshot.h"
#include "metersummary.h"

namespace PipeScope {

QString stageActivityName(StageActivity activity)
{
    switch (activity) {
    case StageActivity::Running: return QStringLiteral("running");
    case StageActivity::BlockedReading: return QStringLiteral("blocked-read");
    case StageActivity::BlockedWriting: return QStringLiteral("blocked-write");
    case StageActivity::Throttled: return QStringLiteral("throttled");
    case StageActivity::Sleeping: return QStringLiteral("sleeping");
    case StageActivity::DiskWait: return QStringLiteral("disk-wait");
    case StageActivity::Stopped: return QStringLiteral("stopped");
    case StageActivity::Exited: return QStringLiteral("exited");
    case StageActivity::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString bottleneckCauseName(BottleneckCause cause)
{
    switch (cause) {
    case BottleneckCause::Cpu: return QStringLiteral("cpu");
    case BottleneckCause::Throttled: return QStringLiteral("throttled");
    case BottleneckCause::Io: return QStringLiteral("io");
    case BottleneckCause::Stopped: return QStringLiteral("stopped");
    case BottleneckCause::Waiting: return QStringLiteral("waiting");
    case BottleneckCause::Balanced: return QStringLiteral("balanced");
    case BottleneckCause::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString rateSourceName(RateSource source)
{
    switch (source) {
    case RateSource::WriterOut: return QStringLiteral("writer");
    case RateSource::ReaderIn: return QStringLiteral("reader");
    case RateSource::None: break;
    }
    return QStringLiteral("none");
}

int MeterSummary::exitStatus(bool pipefail) const
{
    const auto statusOf = [](const StageSummary &stage) {
        if (stage.signal)
            return 128 + stage.signal;
        return stage.exitCode ? *stage.exitCode : -1;
    };
    if (stages.isEmpty())
        return -1;
    if (pipefail) {
        for (auto it = stages.crbegin(); it != stages.crend(); ++it) {
            const int status = statusOf(*it);
            if (status != 0)
                return status;
        }
        return 0;
    }
    return statusOf(stages.last());
}

} // namespace PipeScope
