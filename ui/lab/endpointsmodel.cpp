#include "endpointsmodel.h"

#include "labtext.h"

#include "statepresentation.h"

#include <QSet>

#include <utility>

namespace PipeScope::Ui {

namespace {

/// The end is a child process's (its stdin's read end, its stdout's write end).
bool isChildEnd(const LabPipeSnapshot &s, EndpointsModel::End end)
{
    return end == EndpointsModel::WriterRow ? s.writerState == LabPipe::WriterState::External
                                            : s.readerState == LabPipe::ReaderState::External;
}

StateLook lookOf(const LabPipeSnapshot &s, EndpointsModel::End end)
{
    const bool writer = end == EndpointsModel::WriterRow;
    if (isChildEnd(s, end))
        return StatePresentation::child(s.childBlocked, s.childRunning);
    return writer ? StatePresentation::writer(s.writerState) : StatePresentation::reader(s.readerState);
}

QString fillText(const LabPipeSnapshot &s)
{
    if (s.queued < 0)
        return QStringLiteral("—");
    return QStringLiteral("%1 / %2").arg(formatBytes(s.queued), formatBytes(s.capacity));
}

} // namespace

EndpointsModel::EndpointsModel(QObject *parent) : QAbstractItemModel(parent) { }

void EndpointsModel::update(const QList<LabPipeSnapshot> &snapshots)
{
    removeMissing(snapshots);
    int firstChanged = -1;
    int lastChanged = -1;
    for (int i = 0; i < snapshots.size(); ++i) {
        const LabPipeSnapshot &s = snapshots.at(i);
        const int row = m_rowOfPipe.value(s.id, -1);
        if (row < 0) {
            // New pipes come in lab order; insert at i so both lists stay aligned.
            beginInsertRows({}, i, i);
            m_rows.insert(i, s);
            rebuildRowIndex();
            endInsertRows();
            continue;
        }
        const LabPipeSnapshot old = std::exchange(m_rows[row], s);
        // Only rows whose shown text changed are repainted (each refresh changes the byte
        // counters of every live pipe; what the rows show changes far less often).
        const QModelIndex parent = index(row, 0);
        for (End end : { WriterRow, ReaderRow }) {
            if (shownText(old, end) != shownText(s, end))
                Q_EMIT dataChanged(index(end - 1, 0, parent), index(end - 1, ColumnCount - 1, parent));
        }
        if (shownText(old, PipeRow) != shownText(s, PipeRow)) {
            firstChanged = firstChanged < 0 ? row : std::min(firstChanged, row);
            lastChanged = std::max(lastChanged, row);
        }
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}

void EndpointsModel::removeMissing(const QList<LabPipeSnapshot> &snapshots)
{
    QSet<int> present;
    for (const LabPipeSnapshot &s : snapshots)
        present.insert(s.id);
    for (int row = m_rows.size() - 1; row >= 0; --row) {
        if (present.contains(m_rows.at(row).id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        rebuildRowIndex();
        endRemoveRows();
    }
}

void EndpointsModel::rebuildRowIndex()
{
    m_rowOfPipe.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOfPipe.insert(m_rows.at(row).id, row);
}

QModelIndex EndpointsModel::indexOfPipe(int id, int column) const
{
    const int row = m_rowOfPipe.value(id, -1);
    return row < 0 ? QModelIndex() : index(row, column);
}

QModelIndex EndpointsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_rows.size() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    // An end's internal id is its pipe's id (> 0), so it survives rows moving above it.
    if (parent.internalId() != 0 || parent.row() >= m_rows.size() || row >= 2)
        return {};
    return createIndex(row, column, quintptr(m_rows.at(parent.row()).id));
}

QModelIndex EndpointsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    const int row = m_rowOfPipe.value(int(child.internalId()), -1);
    return row < 0 ? QModelIndex() : createIndex(row, 0, quintptr(0));
}

int EndpointsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return m_rows.size();
    if (parent.internalId() == 0 && parent.column() == 0)
        return 2;
    return 0;
}

int EndpointsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant EndpointsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char *const titles[] = { "Pipe / end", "Kind", "State", "Buffered", "Rate" };
    if (role == Qt::DisplayRole && section >= 0 && section < ColumnCount)
        return QString::fromLatin1(titles[section]);
    if (role == Qt::ToolTipRole && section == BufferedColumn)
        return QStringLiteral("Pipe rows: bytes queued in the kernel / capacity. Writer rows: bytes "
                              "waiting in the transport buffer.");
    return {};
}

QVariant EndpointsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == 0) {
        if (index.row() >= m_rows.size())
            return {};
        return pipeData(m_rows.at(index.row()), index.column(), role);
    }
    const int row = m_rowOfPipe.value(int(index.internalId()), -1);
    if (row < 0)
        return {};
    return endData(m_rows.at(row), index.row() == 0 ? WriterRow : ReaderRow, index.column(), role);
}

QVariant EndpointsModel::pipeData(const LabPipeSnapshot &s, int column, int role) const
{
    if (role == PipeIdRole)
        return s.id;
    if (role == EndRole)
        return int(PipeRow);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return LabText::elided(s.name, 64);
        case KindColumn:
            return LabPipe::kindName(s.kind);
        case StateColumn:
            return LabPipe::kindName(s.kind);
        case BufferedColumn:
            return fillText(s);
        case RateColumn:
            return formatRate(s.readRate);
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == BufferedColumn)
            return StatePresentation::kernelBufferTooltip();
        return LabText::elided(s.detail.isEmpty() ? s.name : QStringLiteral("%1: %2").arg(s.name, s.detail), 400);
    }
    if (role == Qt::TextAlignmentRole && (column == BufferedColumn || column == RateColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QStringList EndpointsModel::shownText(const LabPipeSnapshot &s, End end) const
{
    QStringList texts;
    const int role = Qt::DisplayRole;
    for (int column = 0; column < ColumnCount; ++column)
        texts << (end == PipeRow ? pipeData(s, column, role) : endData(s, end, column, role)).toString();
    // The tooltip of an end carries the child's /proc state.
    if (end != PipeRow)
        texts << endData(s, end, StateColumn, Qt::ToolTipRole).toString();
    return texts;
}

QString EndpointsModel::endName(const LabPipeSnapshot &s, End end) const
{
    // A child's end is named after the program ("gzip"); its pid is in the tooltip.
    if (isChildEnd(s, end))
        return s.name.section(u' ', 0, 0);
    return end == WriterRow ? QStringLiteral("writer") : QStringLiteral("reader");
}

QVariant EndpointsModel::endData(const LabPipeSnapshot &s, End end, int column, int role) const
{
    const bool writer = end == WriterRow;
    if (role == PipeIdRole)
        return s.id;
    if (role == EndRole)
        return int(end);
    const StateLook look = lookOf(s, end);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return endName(s, end);
        case KindColumn:
            return writer ? QStringLiteral("write end") : QStringLiteral("read end");
        case StateColumn:
            return look.word;
        case BufferedColumn:
            return writer && s.writerState != LabPipe::WriterState::External
                    ? formatBytes(s.writeBufferSize)
                    : QString();
        case RateColumn:
            return formatRate(writer ? s.writeRate : s.readRate);
        }
    }
    if (role == Qt::DecorationRole && column == StateColumn)
        return StatePresentation::icon(look.icon);
    if (role == Qt::ToolTipRole) {
        if (column == BufferedColumn && writer)
            return StatePresentation::transportBufferTooltip();
        if (isChildEnd(s, end))
            return QStringLiteral("%1 (pid %2): %3\n%4").arg(s.detail).arg(s.childPid).arg(s.childState, look.tooltip);
        return look.tooltip;
    }
    if (role == Qt::TextAlignmentRole && (column == BufferedColumn || column == RateColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace PipeScope::Ui
