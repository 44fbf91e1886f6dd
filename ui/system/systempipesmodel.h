#pragma once
/// \file systempipesmodel.h
/// The System page's table: one row per pipe of a SystemSnapshot (kind and inode, fill level,
/// rate between scans, writers, readers, their states, the most severe diagnostic).
///
/// Fed with whole snapshots and merged row by row, keyed by the pipe: rows are inserted,
/// moved and removed for pipes that come, move and go, and dataChanged is emitted only for
/// rows whose shown text changed, so selection and scrolling survive every refresh.

#include <pipescope/systemsnapshot.h>

#include <QAbstractTableModel>
#include <QHash>

namespace PipeScope::Ui {

class SystemPipesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PipeColumn, FillColumn, RateColumn, WritersColumn, ReadersColumn, DiagnosticColumn, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, ///< QString, see keyString()
        FillRole,                   ///< double 0..1, or -1 when unknown
        SeverityRole,               ///< int: -1 none, else Diagnostic::Severity
        SortRole                    ///< numbers for numeric columns, else the text
    };

    explicit SystemPipesModel(QObject *parent = nullptr);

    /// Merges the pipes of \a snapshot that \a include accepts (all if empty), in snapshot order.
    void update(const SystemSnapshot &snapshot,
                const std::function<bool(const PipeInfo &)> &include = {});
    const SystemSnapshot &snapshot() const { return m_snapshot; }
    const PipeInfo *pipeAt(int row) const;
    const PipeInfo *pipe(const QString &key) const;
    int rowOf(const QString &key) const { return m_rowOf.value(key, -1); }

    /// "pipe:INODE" or "fifo:DEV:INODE": a pipe's identity as a string (for roles and items).
    static QString keyString(const PipeKey &key);
    /// "`cat` 812 r blocked-read" for each endpoint matching \a readers, joined by ", ".
    static QString endsText(const SystemSnapshot &snapshot, const PipeInfo &pipe, bool readers);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void removeMissing(const QSet<QString> &keys);
    void rebuildIndex();
    QStringList shownText(const PipeInfo &pipe) const;
    QVariant display(const PipeInfo &pipe, int column) const;

    SystemSnapshot m_snapshot; ///< for commands and states; its pipes are not used
    QList<PipeInfo> m_rows;
    QHash<QString, int> m_rowOf;
};

} // namespace PipeScope::Ui
