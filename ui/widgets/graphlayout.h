#pragma once
/// \file graphlayout.h
/// Left-to-right layered layout for the endpoint graph: each node's column is the longest
/// path to it from a node without predecessors (so `a | b | c` reads a, pipe, b, pipe, c), cycles
/// (two processes writing to each other) are cut at the node with the smallest id, and each
/// column is ordered by the mean row of the node's predecessors to keep edges short.

#include <QHash>
#include <QList>
#include <QPoint>
#include <QString>

namespace PipeScope::Ui {

class GraphLayout
{
public:
    void addNode(const QString &id);
    void addEdge(const QString &from, const QString &to);
    /// Column (x) and row (y) of every node.
    QHash<QString, QPoint> compute() const;

private:
    QHash<QString, int> columns() const;

    QList<QString> m_nodes; ///< in insertion order
    QHash<QString, QList<QString>> m_successors;
    QHash<QString, QList<QString>> m_predecessors;
};

} // namespace PipeScope::Ui
