#include "labjson.h"

#include "labgenerator.h"
#include "labpipe.h"
#include "labslowconsumer.h"
#include "pipeprobe.h"
#include "writepipetransport.h"

#include <QJsonValue>

namespace PipeScope {

namespace {

QJsonObject generatorSettings(const LabGenerator *generator)
{
    return { { QStringLiteral("rate"), generator->rate() },
             { QStringLiteral("chunk"), generator->chunkSize() },
             { QStringLiteral("pattern"),
               generator->pattern() == LabGenerator::Pattern::Random ? QStringLiteral("random")
                                                                     : QStringLiteral("text") },
             { QStringLiteral("running"), generator->isRunning() } };
}

void applyGenerator(LabGenerator *generator, const QJsonObject &settings)
{
    generator->setRate(settings.value(QStringLiteral("rate")).toInteger(LabGenerator::DefaultRate));
    generator->setChunkSize(settings.value(QStringLiteral("chunk")).toInt(LabGenerator::DefaultChunk));
    generator->setPattern(settings.value(QStringLiteral("pattern")).toString() == u"random"
                                  ? LabGenerator::Pattern::Random
                                  : LabGenerator::Pattern::Text);
    if (settings.value(QStringLiteral("running")).toBool())
        generator->start();
}

void applyWriter(LabPipe *pipe, const QJsonObject &writer, QStringList *errors)
{
    if (!pipe->writer() || writer.isEmpty())
        return;
    const qint64 high = writer.value(QStringLiteral("highWater")).toInteger(-1);
    const qint64 low = writer.value(QStringLiteral("lowWater")).toInteger(-1);
    Error error;
    if ((high >= 0 || low >= 0) && !pipe->setWriteBufferLimits(high, low, &error))
        errors->append(QStringLiteral("%1: water marks: %2").arg(pipe->name(), error.message()));
    const QJsonValue generator = writer.value(QStringLiteral("generator"));
    if (generator.isObject())
        applyGenerator(pipe->generator(), generator.toObject());
}

void applyReader(LabPipe *pipe, const QJsonObject &reader)
{
    if (!pipe->reader() || reader.isEmpty())
        return;
    pipe->slowConsumer()->setMaxRate(reader.value(QStringLiteral("maxRate")).toInteger(0));
    if (reader.value(QStringLiteral("paused")).toBool())
        pipe->pauseReading();
}

} // namespace

QJsonObject LabJson::pipeSettings(const LabPipe *pipe)
{
    QJsonObject settings;
    if (const int fd = pipe->kernelFd(); fd >= 0) {
        const PipeSample sample = PipeProbe::forFd(fd).sample();
        if (sample.ok)
            settings.insert(QStringLiteral("capacity"), sample.capacity);
    }
    if (const WritePipeTransport *writer = pipe->writer()) {
        settings.insert(QStringLiteral("writer"),
                        QJsonObject{ { QStringLiteral("highWater"), writer->writeBufferLimits().second },
                                     { QStringLiteral("lowWater"), writer->writeBufferLimits().first },
                                     { QStringLiteral("generator"), generatorSettings(pipe->generator()) } });
    }
    if (pipe->reader()) {
        settings.insert(QStringLiteral("reader"),
                        QJsonObject{ { QStringLiteral("maxRate"), pipe->slowConsumer()->maxRate() },
                                     { QStringLiteral("paused"), pipe->isPausedByUser() } });
    }
    return settings;
}

void LabJson::applyPipeSettings(LabPipe *pipe, const QJsonObject &settings, QStringList *errors)
{
    const qint64 capacity = settings.value(QStringLiteral("capacity")).toInteger(-1);
    Error error;
    if (capacity > 0 && !pipe->setCapacity(int(capacity), &error))
        errors->append(QStringLiteral("%1: capacity %2: %3").arg(pipe->name()).arg(capacity).arg(error.message()));
    applyWriter(pipe, settings.value(QStringLiteral("writer")).toObject(), errors);
    applyReader(pipe, settings.value(QStringLiteral("reader")).toObject());
}

bool LabJson::checkHeader(const QJsonObject &json, Error *error)
{
    if (json.value(QStringLiteral("format")).toString() != formatName()) {
        if (error)
            *error = Error(QStringLiteral("not a PipeScope lab file (no \"format\": \"%1\")").arg(formatName()));
        return false;
    }
    const int version = json.value(QStringLiteral("version")).toInt();
    if (version < 1 || version > Version) {
        if (error)
            *error = Error(QStringLiteral("lab file version %1 is not supported (this PipeScope reads %2)")
                             .arg(version)
                             .arg(Version));
        return false;
    }
    return true;
}

QJsonObject LabJson::header()
{
    return { { QStringLiteral("format"), formatName() }, { QStringLiteral("version"), Version } };
}

} // namespace PipeScope
