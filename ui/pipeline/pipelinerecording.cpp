#include "pipelinerecording.h"

#include <pipescope/meterjson.h>

#include <QSaveFile>

namespace PipeScope::Ui {

namespace {

bool writeWhole(const QString &path, const QByteArray &data, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("open %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(data) != data.size() || !file.commit()) {
        *error = QStringLiteral("write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

QString number(double value)
{
    return QString::number(value, 'g', 12);
}

} // namespace

void PipelineRecording::clear()
{
    m_samples.clear();
    m_summary.reset();
    m_dropped = 0;
}

void PipelineRecording::add(const MeterSnapshot &snapshot)
{
    m_samples.push_back(snapshot);
    while (m_samples.size() > MaxSamples) {
        m_samples.pop_front();
        ++m_dropped;
    }
}

void PipelineRecording::setSummary(const MeterSummary &summary)
{
    m_summary = summary;
}

bool PipelineRecording::writeJsonLines(const QString &path, QString *error) const
{
    QByteArray data;
    for (const MeterSnapshot &snapshot : m_samples)
        data += MeterJson::line(MeterJson::sample(snapshot));
    if (m_summary)
        data += MeterJson::line(MeterJson::summary(*m_summary));
    return writeWhole(path, data, error);
}

QString PipelineRecording::csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

bool PipelineRecording::writeCsv(const QString &path, QString *error) const
{
    QString text = QStringLiteral("t,stage,pid,command,state,cpu,bytes_in,bytes_out,queued,capacity,rate,bottleneck\n");
    for (const MeterSnapshot &snapshot : m_samples) {
        for (int i = 0; i < snapshot.stages.size(); ++i) {
            const StageSample &stage = snapshot.stages.at(i);
            QStringList fields = { number(snapshot.t), QString::number(i), QString::number(stage.pid),
                                   csvField(stage.command), stageActivityName(stage.activity),
                                   number(stage.cpu), QString::number(stage.bytesIn),
                                   QString::number(stage.bytesOut) };
            QStringList pipeFields = { QString(), QString(), QString() };
            for (const auto &pipe : snapshot.pipes) {
                if (pipe.from == i)
                    pipeFields = { QString::number(pipe.queued), QString::number(pipe.capacity), number(pipe.rate) };
            }
            fields << pipeFields;
            fields << (snapshot.bottleneck.stage == i ? bottleneckCauseName(snapshot.bottleneck.cause) : QString());
            text += fields.join(u',') + u'\n';
        }
    }
    return writeWhole(path, text.toUtf8(), error);
}

} // namespace PipeScope::Ui
