#include "timelinefiltermodel.h"

#include "eventlogmodel.h"

namespace PipeScope::Ui {

TimelineFilterModel::TimelineFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void TimelineFilterModel::setPipeId(int id)
{
    if (id == m_pipeId)
        return;
    m_pipeId = id;
    invalidateFilter();
}

bool TimelineFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_pipeId >= 0) {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (index.data(EventLogModel::PipeIdRole).toInt() != m_pipeId)
            return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace PipeScope::Ui
