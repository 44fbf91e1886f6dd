#pragma once
/// \file endpointsmodel.h
/// Every lab pipe with its two ends, as a two-level tree: a pipe row (kernel fill level),
/// and under it the writer and the reader (state icon + word, buffered bytes, rate).
///
/// Fed with LabPipeSnapshot values on the window's refresh timer and merged row by row:
/// rows are inserted and removed for pipes that come and go, and dataChanged is emitted only
/// for rows whose values changed, so selection and scrolling survive every refresh.

#include <pipescope/labpipe.h>

#include <QAbstractItemModel>
#include <QHash>
#include <QList>

namespace PipeScope::Ui {

class EndpointsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, StateColumn, BufferedColumn, RateColumn, ColumnCount };
    enum Role { PipeIdRole = Qt::UserRole + 1, EndRole };
    /// Which row: the pipe, or one of its ends.
    enum End { PipeRow = 0, WriterRow = 1, ReaderRow = 2 };

    explicit EndpointsModel(QObject *parent = nullptr);

    /// Merges \a snapshots (in lab order) into the model.
    void update(const QList<LabPipeSnapshot> &snapshots);
    const QList<LabPipeSnapshot> &snapshots() const { return m_rows; }
    /// The top-level index of pipe \a id, or an invalid index.
    QModelIndex indexOfPipe(int id, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void removeMissing(const QList<LabPipeSnapshot> &snapshots);
    void rebuildRowIndex();
    QVariant pipeData(const LabPipeSnapshot &s, int column, int role) const;
    QVariant endData(const LabPipeSnapshot &s, End end, int column, int role) const;
    QString endName(const LabPipeSnapshot &s, End end) const;
    /// What a row shows (display texts and the state tooltip), to tell whether it changed.
    QStringList shownText(const LabPipeSnapshot &s, End end) const;

    QList<LabPipeSnapshot> m_rows;
    QHash<int, int> m_rowOfPipe;
};

} // namespace PipeScope::Ui
