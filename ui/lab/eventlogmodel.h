#pragma once
/// \file eventlogmodel.h
/// The lab's timeline as a table. refresh() (on the window's timer) appends the entries the
/// LabEventLog got since the last call and drops those it trimmed, row by row.

#include <pipescope/labeventlog.h>

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>

namespace PipeScope::Ui {

class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, PipeColumn, EndColumn, EventColumn, DetailColumn, ColumnCount };
    enum Role { PipeIdRole = Qt::UserRole + 1, SeqRole };

    explicit EventLogModel(LabEventLog *log, QObject *parent = nullptr);

    void refresh();
    const LabEvent &event(int row) const { return m_rows.at(size_t(row)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void dropTrimmed();
    void appendNew();

    QPointer<LabEventLog> m_log;
    std::deque<LabEvent> m_rows;
};

} // namespace PipeScope::Ui
