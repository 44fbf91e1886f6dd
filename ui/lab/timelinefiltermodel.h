#pragma once
/// \file timelinefiltermodel.h
/// Filters the timeline by text (any column) and, optionally, by pipe.

#include <QSortFilterProxyModel>

namespace PipeScope::Ui {

class TimelineFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TimelineFilterModel(QObject *parent = nullptr);

    /// Only events of pipe \a id; -1 for all pipes.
    void setPipeId(int id);
    int pipeId() const { return m_pipeId; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_pipeId = -1;
};

} // namespace PipeScope::Ui
