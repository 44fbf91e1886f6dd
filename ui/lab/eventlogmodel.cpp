#include "eventlogmodel.h"

namespace PipeScope::Ui {

EventLogModel::EventLogModel(LabEventLog *log, QObject *parent)
    : QAbstractTableModel(parent), m_log(log)
{
    refresh();
}

void EventLogModel::refresh()
{
    if (!m_log)
        return;
    dropTrimmed();
    appendNew();
}

void EventLogModel::dropTrimmed()
{
    const std::deque<LabEvent> &entries = m_log->entries();
    // Rows the log no longer has: trimmed from its front, or all of them after clear().
    const quint64 oldest = entries.empty() ? m_log->nextSeq() : entries.front().seq;
    int drop = 0;
    while (size_t(drop) < m_rows.size() && m_rows[size_t(drop)].seq < oldest)
        ++drop;
    if (drop == 0)
        return;
    beginRemoveRows({}, 0, drop - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
    endRemoveRows();
}

void EventLogModel::appendNew()
{
    const std::deque<LabEvent> &entries = m_log->entries();
    const quint64 last = m_rows.empty() ? 0 : m_rows.back().seq;
    size_t first = entries.size();
    while (first > 0 && entries[first - 1].seq > last)
        --first;
    if (first == entries.size())
        return;
    const int count = int(entries.size() - first);
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()) + count - 1);
    m_rows.insert(m_rows.end(), entries.begin() + qsizetype(first), entries.end());
    endInsertRows();
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = { "Time (s)", "Pipe", "End", "Event", "Detail" };
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section]) : QVariant();
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const LabEvent &e = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QString::number(double(e.timeNs) / 1e9, 'f', 3);
        case PipeColumn:
            return e.pipe;
        case EndColumn:
            return e.end;
        case EventColumn:
            return e.event;
        case DetailColumn:
            return e.detail;
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == TimeColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case PipeIdRole:
        return e.pipeId;
    case SeqRole:
        return e.seq;
    case Qt::ToolTipRole:
        return QStringLiteral("%1 s: %2 %3 %4 %5").arg(double(e.timeNs) / 1e9, 0, 'f', 6).arg(e.pipe, e.end, e.event, e.detail);
    }
    return {};
}

} // namespace PipeScope::Ui
