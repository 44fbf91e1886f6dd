#include "graphlayout.h"

#include <QSet>

#include <algorithm>
#include <map>

namespace PipeScope::Ui {

void GraphLayout::addNode(const QString &id)
{
    if (!m_successors.contains(id)) {
        m_nodes << id;
        m_successors.insert(id, {});
        m_predecessors.insert(id, {});
    }
}

void GraphLayout::addEdge(const QString &from, const QString &to)
{
    addNode(from);
    addNode(to);
    if (from == to || m_successors[from].contains(to))
        return;
    m_successors[from] << to;
    m_predecessors[to] << from;
}

QHash<QString, int> GraphLayout::columns() const
{
    // Kahn's algorithm; when only cycles are left, release the smallest remaining node.
    QHash<QString, int> indegree;
    for (const QString &node : m_nodes)
        indegree.insert(node, int(m_predecessors.value(node).size()));
    QHash<QString, int> column;
    QSet<QString> done;
    QList<QString> ready;
    for (const QString &node : m_nodes) {
        if (indegree.value(node) == 0)
            ready << node;
    }
    while (done.size() < m_nodes.size()) {
        if (ready.isEmpty()) {
            QString smallest;
            for (const QString &node : m_nodes) {
                if (!done.contains(node) && (smallest.isEmpty() || node < smallest))
                    smallest = node;
            }
            ready << smallest;
        }
        const QString node = ready.takeFirst();
        if (done.contains(node))
            continue;
        done.insert(node);
        for (const QString &next : m_successors.value(node)) {
            if (done.contains(next))
                continue;
            column[next] = std::max(column.value(next), column.value(node) + 1);
            if (--indegree[next] == 0)
                ready << next;
        }
    }
    return column;
}

QHash<QString, QPoint> GraphLayout::compute() const
{
    const QHash<QString, int> column = columns();
    std::map<int, QList<QString>> byColumn;
    for (const QString &node : m_nodes)
        byColumn[column.value(node)] << node;
    QHash<QString, QPoint> positions;
    for (auto &[x, nodes] : byColumn) {
        // Mean row of the already placed predecessors; sources keep their id order.
        QHash<QString, double> weight;
        for (const QString &node : nodes) {
            double sum = 0;
            int count = 0;
            for (const QString &before : m_predecessors.value(node)) {
                if (positions.contains(before) && positions[before].x() < x) {
                    sum += positions[before].y();
                    ++count;
                }
            }
            weight.insert(node, count ? sum / count : 1e9);
        }
        std::stable_sort(nodes.begin(), nodes.end(), [&](const QString &a, const QString &b) {
            return weight[a] != weight[b] ? weight[a] < weight[b] : a < b;
        });
        for (int y = 0; y < nodes.size(); ++y)
            positions.insert(nodes[y], QPoint(x, y));
    }
    return positions;
}

} // namespace PipeScope::Ui
