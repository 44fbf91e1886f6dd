#include "meterjson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace PipeScope::MeterJson {

namespace {

QJsonValue number(double value)
{
    return value < 0 ? QJsonValue() : QJsonValue(value);
}

QJsonArray pidList(const QList<qint64> &pids)
{
    QJsonArray list;
    for (qint64 pid : pids)
        list << double(pid);
    return list;
}

QJsonArray flagNames(StageFlags flags)
{
    QJsonArray names;
    if (flags & StageFlag::Approximate)
        names << QStringLiteral("approximate");
    if (flags & StageFlag::SpliceBlind)
        names << QStringLiteral("splice-blind");
    if (flags & StageFlag::NoAccess)
        names << QStringLiteral("no-access");
    return names;
}

QJsonObject stageObject(const StageSample &stage)
{
    const bool io = !(stage.flags & StageFlag::NoAccess);
    return {
        { QStringLiteral("pid"), double(stage.pid) },
        { QStringLiteral("pids"), pidList(stage.pids) },
        { QStringLiteral("command"), stage.command },
        { QStringLiteral("state"), stageActivityName(stage.activity) },
        { QStringLiteral("state_letter"), QString(QChar::fromLatin1(stage.state)) },
        { QStringLiteral("wchan"), stage.wchan },
        { QStringLiteral("cpu"), stage.cpu },
        { QStringLiteral("run_queue_wait"), number(stage.runQueueWait) },
        { QStringLiteral("bytes_in"), io ? QJsonValue(double(stage.bytesIn)) : QJsonValue() },
        { QStringLiteral("bytes_out"), io ? QJsonValue(double(stage.bytesOut)) : QJsonValue() },
        { QStringLiteral("read_calls"), io ? QJsonValue(double(stage.readCalls)) : QJsonValue() },
        { QStringLiteral("write_calls"), io ? QJsonValue(double(stage.writeCalls)) : QJsonValue() },
        { QStringLiteral("flags"), flagNames(stage.flags) },
    };
}

QJsonObject pipeObject(const MeterPipeSample &pipe)
{
    return {
        { QStringLiteral("from"), pipe.from },
        { QStringLiteral("to"), pipe.to },
        { QStringLiteral("queued"), pipe.queued < 0 ? QJsonValue() : QJsonValue(double(pipe.queued)) },
        { QStringLiteral("capacity"), pipe.capacity < 0 ? QJsonValue() : QJsonValue(double(pipe.capacity)) },
        { QStringLiteral("rate"), number(pipe.rate) },
        { QStringLiteral("rate_source"), rateSourceName(pipe.rateSource) },
        { QStringLiteral("approximate"), pipe.approximate },
    };
}

QJsonObject stageSummaryObject(const StageSummary &stage)
{
    const bool io = !(stage.flags & StageFlag::NoAccess);
    return {
        { QStringLiteral("pid"), double(stage.pid) },
        { QStringLiteral("pids"), pidList(stage.pids) },
        { QStringLiteral("command"), stage.command },
        { QStringLiteral("bytes_in"), io ? QJsonValue(double(stage.bytesIn)) : QJsonValue() },
        { QStringLiteral("bytes_out"), io ? QJsonValue(double(stage.bytesOut)) : QJsonValue() },
        { QStringLiteral("exact"), stage.exact },
        { QStringLiteral("exit_code"), stage.exitCode ? QJsonValue(*stage.exitCode) : QJsonValue() },
        { QStringLiteral("signal"), stage.signal ? QJsonValue(stage.signal) : QJsonValue() },
        { QStringLiteral("cpu_seconds"), stage.cpuSeconds },
        { QStringLiteral("blocked_reading_seconds"), stage.blockedReadingSeconds },
        { QStringLiteral("blocked_writing_seconds"), stage.blockedWritingSeconds },
        { QStringLiteral("flags"), flagNames(stage.flags) },
    };
}

QJsonObject pipeSummaryObject(const PipeSummary &pipe)
{
    return {
        { QStringLiteral("from"), pipe.from },
        { QStringLiteral("to"), pipe.to },
        { QStringLiteral("bytes"), pipe.rateSource == RateSource::None ? QJsonValue() : QJsonValue(double(pipe.bytes)) },
        { QStringLiteral("rate_source"), rateSourceName(pipe.rateSource) },
        { QStringLiteral("min_rate"), number(pipe.minRate) },
        { QStringLiteral("avg_rate"), number(pipe.avgRate) },
        { QStringLiteral("max_rate"), number(pipe.maxRate) },
    };
}

} // namespace

QJsonObject bottleneck(const Bottleneck &bottleneck)
{
    return {
        { QStringLiteral("stage"), bottleneck.stage < 0 ? QJsonValue() : QJsonValue(bottleneck.stage) },
        { QStringLiteral("cause"), bottleneckCauseName(bottleneck.cause) },
        { QStringLiteral("text"), bottleneck.text },
    };
}

QJsonObject sample(const MeterSnapshot &snapshot)
{
    QJsonArray stages, pipes;
    for (const StageSample &stage : snapshot.stages)
        stages << stageObject(stage);
    for (const MeterPipeSample &pipe : snapshot.pipes)
        pipes << pipeObject(pipe);
    return {
        { QStringLiteral("type"), QStringLiteral("sample") },
        { QStringLiteral("t"), snapshot.t },
        { QStringLiteral("stages"), stages },
        { QStringLiteral("pipes"), pipes },
        { QStringLiteral("bottleneck"), bottleneck(snapshot.bottleneck) },
    };
}

QJsonObject summary(const MeterSummary &summary, bool pipefail)
{
    QJsonArray stages, pipes;
    for (const StageSummary &stage : summary.stages)
        stages << stageSummaryObject(stage);
    for (const PipeSummary &pipe : summary.pipes)
        pipes << pipeSummaryObject(pipe);
    const int status = summary.exitStatus(pipefail);
    return {
        { QStringLiteral("type"), QStringLiteral("summary") },
        { QStringLiteral("duration"), summary.duration },
        { QStringLiteral("interrupted"), summary.interrupted },
        { QStringLiteral("exit_status"), status < 0 ? QJsonValue() : QJsonValue(status) },
        { QStringLiteral("stages"), stages },
        { QStringLiteral("pipes"), pipes },
        { QStringLiteral("bottleneck"), bottleneck(summary.bottleneck) },
    };
}

QByteArray line(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace PipeScope::MeterJson
