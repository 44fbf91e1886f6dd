#include "systempipesmodel.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>

#include <QColor>
#include <QSet>

#include <algorithm>

namespace PipeScope::Ui {

namespace {

int worstSeverity(const PipeInfo &pipe)
{
    int worst = -1;
    for (const Diagnostic &diagnostic : pipe.diagnostics)
        worst = std::max(worst, int(diagnostic.severity));
    return worst;
}

double fillOf(const PipeInfo &pipe)
{
    if (!pipe.queued || !pipe.capacity || *pipe.capacity <= 0)
        return -1.0;
    return double(*pipe.queued) / double(*pipe.capacity);
}

QColor severityColor(int severity)
{
    switch (severity) {
    case int(Diagnostic::Severity::Error):
        return QColor(0xc0, 0x1c, 0x28);
    case int(Diagnostic::Severity::Warning):
        return QColor(0xc6, 0x72, 0x00);
    case int(Diagnostic::Severity::Info):
        return QColor(0x1c, 0x71, 0xd8);
    default:
        return QColor();
    }
}

} // namespace

SystemPipesModel::SystemPipesModel(QObject *parent) : QAbstractTableModel(parent) { }

QString SystemPipesModel::keyString(const PipeKey &key)
{
    if (key.kind == PipeKind::Fifo)
        return QStringLiteral("fifo:%1:%2").arg(key.device).arg(key.inode);
    return QStringLiteral("pipe:%1").arg(key.inode);
}

QString SystemPipesModel::endsText(const SystemSnapshot &snapshot, const PipeInfo &pipe, bool readers)
{
    QStringList parts;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (readers ? !endpoint.reads() : !endpoint.writes())
            continue;
        const ProcessInfo *process = snapshot.process(endpoint.pid);
        parts << QStringLiteral("%1 %2 %3")
                         .arg(process ? process->comm : QStringLiteral("?"))
                         .arg(endpoint.pid)
                         .arg(endpointStateName(endpoint.state));
    }
    for (const FifoOpener &opener : pipe.openers) {
        if (readers ? opener.mode == EndpointMode::Write : opener.mode == EndpointMode::Read)
            continue;
        const ProcessInfo *process = snapshot.process(opener.pid);
        parts << QStringLiteral("%1 %2 blocked in open()")
                         .arg(process ? process->comm : QStringLiteral("?"))
                         .arg(opener.pid);
    }
    return SnapshotFormat::escaped(parts.join(QStringLiteral(", ")));
}

void SystemPipesModel::update(const SystemSnapshot &snapshot,
                              const std::function<bool(const PipeInfo &)> &include)
{
    m_snapshot = snapshot;
    m_snapshot.pipes.clear();
    QList<const PipeInfo *> wanted;
    QSet<QString> keys;
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (!include || include(pipe)) {
            wanted << &pipe;
            keys.insert(keyString(pipe.key));
        }
    }
    removeMissing(keys);
    for (int i = 0; i < wanted.size(); ++i) {
        const QString key = keyString(wanted[i]->key);
        const int row = m_rowOf.value(key, -1);
        if (row < 0) {
            beginInsertRows({}, i, i);
            m_rows.insert(i, *wanted[i]);
            rebuildIndex();
            endInsertRows();
            continue;
        }
        if (row != i) {
            // Only moves towards the front happen: rows before i are already in place.
            beginMoveRows({}, row, row, {}, i);
            m_rows.move(row, i);
            rebuildIndex();
            endMoveRows();
        }
        const bool changed = shownText(m_rows[i]) != shownText(*wanted[i])
                || fillOf(m_rows[i]) != fillOf(*wanted[i]);
        m_rows[i] = *wanted[i];
        if (changed)
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
    }
}

void SystemPipesModel::removeMissing(const QSet<QString> &keys)
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (keys.contains(keyString(m_rows[row].key)))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    rebuildIndex();
}

void SystemPipesModel::rebuildIndex()
{
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(keyString(m_rows[row].key), row);
}

const PipeInfo *SystemPipesModel::pipeAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

const PipeInfo *SystemPipesModel::pipe(const QString &key) const
{
    return pipeAt(rowOf(key));
}

QStringList SystemPipesModel::shownText(const PipeInfo &pipe) const
{
    QStringList texts;
    for (int column = 0; column < ColumnCount; ++column)
        texts << display(pipe, column).toString();
    return texts;
}

QVariant SystemPipesModel::display(const PipeInfo &pipe, int column) const
{
    switch (column) {
    case PipeColumn:
        return SnapshotFormat::pipeTitle(pipe);
    case FillColumn:
        return pipe.queued && pipe.capacity
                ? QVariant(QStringLiteral("%1 / %2").arg(*pipe.queued).arg(*pipe.capacity))
                : QVariant(QStringLiteral("?"));
    case RateColumn:
        return SnapshotFormat::rateText(pipe.rate);
    case WritersColumn:
        return endsText(m_snapshot, pipe, false);
    case ReadersColumn:
        return endsText(m_snapshot, pipe, true);
    case DiagnosticColumn: {
        const Diagnostic *worst = nullptr;
        for (const Diagnostic &diagnostic : pipe.diagnostics) {
            if (!worst || diagnostic.severity > worst->severity)
                worst = &diagnostic;
        }
        return worst ? SnapshotFormat::escaped(worst->text) : QString();
    }
    default:
        return QVariant();
    }
}

int SystemPipesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SystemPipesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SystemPipesModel::data(const QModelIndex &index, int role) const
{
    const PipeInfo *pipe = index.isValid() ? pipeAt(index.row()) : nullptr;
    if (!pipe)
        return QVariant();
    switch (role) {
    case Qt::DisplayRole:
        return display(*pipe, index.column());
    case Qt::ToolTipRole:
        if (index.column() == FillColumn && (!pipe->queued || !pipe->capacity))
            return pipe->unreachableReason;
        if (index.column() == DiagnosticColumn) {
            QStringList lines;
            for (const Diagnostic &diagnostic : pipe->diagnostics)
                lines << severityName(diagnostic.severity) + QStringLiteral(": ") + diagnostic.text;
            return lines.join(u'\n');
        }
        return display(*pipe, index.column());
    case Qt::ForegroundRole:
        return index.column() == DiagnosticColumn ? QVariant(severityColor(worstSeverity(*pipe)))
                                                  : QVariant();
    case KeyRole:
        return keyString(pipe->key);
    case FillRole:
        return fillOf(*pipe);
    case SeverityRole:
        return worstSeverity(*pipe);
    case SortRole:
        if (index.column() == FillColumn)
            return fillOf(*pipe);
        if (index.column() == RateColumn)
            return pipe->rate;
        if (index.column() == DiagnosticColumn)
            return worstSeverity(*pipe);
        if (index.column() == PipeColumn)
            return double(pipe->key.inode);
        return display(*pipe, index.column());
    default:
        return QVariant();
    }
}

QVariant SystemPipesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case PipeColumn:
        return QStringLiteral("Pipe");
    case FillColumn:
        return QStringLiteral("Queued / capacity");
    case RateColumn:
        return QStringLiteral("Rate");
    case WritersColumn:
        return QStringLiteral("Writers");
    case ReadersColumn:
        return QStringLiteral("Readers");
    case DiagnosticColumn:
        return QStringLiteral("Diagnostic");
    default:
        return QVariant();
    }
}

} // namespace PipeScope::Ui
