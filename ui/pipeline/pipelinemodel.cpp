#include "pipelinemodel.h"

#include "stageactivitylook.h"
#include "statepresentation.h"

namespace PipeScope::Ui {

PipelineModel::PipelineModel(QObject *parent) : QAbstractTableModel(parent) {}

void PipelineModel::clear()
{
    if (m_snapshot.stages.isEmpty()) {
        m_snapshot = {};
        return;
    }
    beginRemoveRows({}, 0, int(m_snapshot.stages.size()) - 1);
    m_snapshot = {};
    endRemoveRows();
}

void PipelineModel::update(const MeterSnapshot &snapshot)
{
    const int before = int(m_snapshot.stages.size());
    const int after = int(snapshot.stages.size());
    if (after < before) {
        beginRemoveRows({}, after, before - 1);
        m_snapshot.stages.resize(after);
        endRemoveRows();
    }
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        m_snapshot = snapshot;
        endInsertRows();
    }
    m_snapshot = snapshot;
    const int kept = std::min(before, after);
    if (kept > 0)
        Q_EMIT dataChanged(index(0, 0), index(kept - 1, ColumnCount - 1));
}

int PipelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_snapshot.stages.size());
}

int PipelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const decltype(MeterSnapshot::pipes)::value_type *PipelineModel::outputPipe(int row) const
{
    for (const auto &pipe : m_snapshot.pipes) {
        if (pipe.from == row)
            return &pipe;
    }
    return nullptr;
}

QString PipelineModel::rateText(double rate, bool approximate)
{
    if (rate < 0)
        return QStringLiteral("—");
    return (approximate ? QStringLiteral("≈ ") : QString()) + formatRate(rate);
}

QString PipelineModel::queuedText(qint64 queued, qint64 capacity)
{
    if (queued < 0)
        return QStringLiteral("—");
    if (capacity <= 0)
        return formatBytes(queued);
    return QStringLiteral("%1 of %2").arg(formatBytes(queued), formatBytes(capacity));
}

QString PipelineModel::cpuText(double cpu)
{
    return QStringLiteral("%1 %").arg(qRound(cpu * 100));
}

QVariant PipelineModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const StageSample &stage = m_snapshot.stages.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(index.row(), index.column());
    case RawRole:
        return raw(index.row(), index.column());
    case Qt::ToolTipRole:
        return toolTip(index.row(), index.column());
    case ActivityRole:
        return int(stage.activity);
    case IsBottleneckRole:
        return index.row() == bottleneckRow();
    case Qt::DecorationRole:
        if (index.column() == StateColumn)
            return StatePresentation::icon(StageActivityLook::look(stage.activity).icon);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= CpuColumn && index.column() <= RateColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant PipelineModel::display(int row, int column) const
{
    const StageSample &stage = m_snapshot.stages.at(row);
    const auto *pipe = outputPipe(row);
    const bool noAccess = stage.flags.testFlag(StageFlag::NoAccess);
    switch (column) {
    case StageColumn:
        return stage.command;
    case PidColumn:
        return stage.pid > 0 ? QVariant(stage.pid) : QVariant(QStringLiteral("—"));
    case StateColumn:
        return StageActivityLook::look(stage.activity).word;
    case CpuColumn:
        return cpuText(stage.cpu);
    case BytesInColumn:
        return noAccess ? QStringLiteral("no access") : formatBytes(qint64(stage.bytesIn));
    case BytesOutColumn:
        return noAccess ? QStringLiteral("no access") : formatBytes(qint64(stage.bytesOut));
    case QueuedColumn:
        return pipe ? queuedText(pipe->queued, pipe->capacity) : QString();
    case RateColumn:
        return pipe ? rateText(pipe->rate, pipe->approximate) : QString();
    case BottleneckColumn:
        if (row != bottleneckRow())
            return QString();
        return QStringLiteral("bottleneck: %1").arg(bottleneckCauseName(m_snapshot.bottleneck.cause));
    default:
        return {};
    }
}

QVariant PipelineModel::raw(int row, int column) const
{
    const StageSample &stage = m_snapshot.stages.at(row);
    const auto *pipe = outputPipe(row);
    switch (column) {
    case PidColumn:
        return double(stage.pid);
    case CpuColumn:
        return stage.cpu;
    case BytesInColumn:
        return double(stage.bytesIn);
    case BytesOutColumn:
        return double(stage.bytesOut);
    case QueuedColumn:
        return pipe ? double(pipe->queued) : -1.0;
    case RateColumn:
        return pipe ? pipe->rate : -1.0;
    case StateColumn:
        return double(int(stage.activity));
    case BottleneckColumn:
        return row == bottleneckRow() ? double(int(m_snapshot.bottleneck.cause)) : -1.0;
    default:
        return display(row, column);
    }
}

QVariant PipelineModel::toolTip(int row, int column) const
{
    const StageSample &stage = m_snapshot.stages.at(row);
    switch (column) {
    case StateColumn: {
        QString text = StageActivityLook::look(stage.activity).tooltip;
        if (!stage.wchan.isEmpty())
            text += QStringLiteral("\nKernel function (wchan): %1").arg(stage.wchan);
        return text;
    }
    case BytesInColumn:
    case BytesOutColumn:
        if (stage.flags.testFlag(StageFlag::SpliceBlind))
            return QStringLiteral("This stage moves data with splice(), which /proc/PID/io does not "
                                  "count: its pipes' rates come from its neighbours.");
        if (stage.flags.testFlag(StageFlag::Approximate))
            return QStringLiteral("Approximate: the stage also reads or writes files or sockets, "
                                  "and /proc/PID/io counts those bytes too.");
        return QStringLiteral("Bytes read (rchar) and written (wchar) by the stage, from /proc/PID/io.");
    case BottleneckColumn:
        return row == bottleneckRow() ? m_snapshot.bottleneck.text : QString();
    default:
        return {};
    }
}

QVariant PipelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StageColumn:
        return QStringLiteral("Stage");
    case PidColumn:
        return QStringLiteral("PID");
    case StateColumn:
        return QStringLiteral("State");
    case CpuColumn:
        return QStringLiteral("CPU");
    case BytesInColumn:
        return QStringLiteral("In");
    case BytesOutColumn:
        return QStringLiteral("Out");
    case QueuedColumn:
        return QStringLiteral("Queued in next pipe");
    case RateColumn:
        return QStringLiteral("Rate of next pipe");
    case BottleneckColumn:
        return QStringLiteral("Bottleneck");
    default:
        return {};
    }
}

} // namespace PipeScope::Ui
