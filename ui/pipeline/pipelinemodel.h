#pragma once
/// \file pipelinemodel.h
/// The metered pipeline as a table: one row per stage, writer end first, with the pipe that
/// leaves the stage in the same row (the last stage has none). Fed with the meter's snapshots
/// and merged row by row (rows are inserted or removed only when attach finds more or fewer
/// stages; values are updated with dataChanged), so selection and scroll stay put.
///
/// Display texts carry the unit ("97 %", "1.2 GiB", "52.4 MiB/s"); RawRole gives the number
/// (-1 when unknown) for sorting, tests and export.

#include <pipescope/metersnapshot.h>

#include <QAbstractTableModel>

namespace PipeScope::Ui {

class PipelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StageColumn,    ///< the command
        PidColumn,
        StateColumn,    ///< "running", "blocked writing"... with its icon
        CpuColumn,      ///< share of one core
        BytesInColumn,  ///< rchar
        BytesOutColumn, ///< wchar
        QueuedColumn,   ///< bytes in the pipe after this stage, of its capacity
        RateColumn,     ///< bytes/s through the pipe after this stage
        BottleneckColumn, ///< "bottleneck: cpu" on the bottleneck's row, else empty
        ColumnCount
    };
    enum Role {
        RawRole = Qt::UserRole + 1, ///< the number behind the text (double), -1 when unknown
        ActivityRole,               ///< StageActivity as int (any column)
        IsBottleneckRole            ///< bool (any column)
    };

    explicit PipelineModel(QObject *parent = nullptr);

    /// Merges \a snapshot in; the first one after clear() inserts the rows.
    void update(const MeterSnapshot &snapshot);
    void clear();

    const MeterSnapshot &snapshot() const { return m_snapshot; }
    /// The bottleneck's row, -1 for none (balanced, or not known yet).
    int bottleneckRow() const { return m_snapshot.bottleneck.stage; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "52.4 MiB/s", "—" when unknown, with "≈" when the counting stage does other I/O too.
    static QString rateText(double rate, bool approximate);
    /// "40 KiB of 64 KiB", "—" when the pipe could not be reopened.
    static QString queuedText(qint64 queued, qint64 capacity);
    /// "97 %".
    static QString cpuText(double cpu);

private:
    QVariant display(int row, int column) const;
    QVariant raw(int row, int column) const;
    QVariant toolTip(int row, int column) const;
    /// The pipe leaving stage \a row, or nullptr (the last stage).
    const decltype(MeterSnapshot::pipes)::value_type *outputPipe(int row) const;

    MeterSnapshot m_snapshot;
};

} // namespace PipeScope::Ui
