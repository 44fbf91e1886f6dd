#pragma once
/// \file endpointgraphaccessible.h
/// The endpoint graph for screen readers: the graph is a list whose children are its process
/// boxes, pipe gauges and edges, each named and described in words with its state ("yes (pid
/// 812)": "blocked writing pipe 1234"; "yes (pid 812) writes into pipe 1234"). Children are
/// read live from EndpointGraph::accessibleItems(), so they follow every update.

#include <QAccessibleWidget>
#include <QList>

namespace PipeScope::Ui {

class EndpointGraph;

class EndpointGraphAccessible : public QAccessibleWidget
{
public:
    explicit EndpointGraphAccessible(EndpointGraph *graph);
    ~EndpointGraphAccessible() override;

    /// Makes QAccessible::queryAccessibleInterface() return one for every EndpointGraph (once).
    static void installFactory();
    /// Tells an active screen reader that the graph's contents changed.
    static void notifyChanged(EndpointGraph *graph);

    int childCount() const override;
    QAccessibleInterface *child(int index) const override;
    int indexOfChild(const QAccessibleInterface *child) const override;
    QString text(QAccessible::Text t) const override;

private:
    EndpointGraph *graph() const;
    mutable QList<QAccessible::Id> m_children; ///< registered item interfaces, by index
};

} // namespace PipeScope::Ui
