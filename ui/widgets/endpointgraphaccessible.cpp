// EndpointGraph in words and positions (for screen readers and tests), and its accessible
// interface (endpointgraph.cpp draws the graph).
#include "endpointgraphaccessible.h"

#include "endpointgraph.h"

#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPointer>

namespace PipeScope::Ui {

namespace {

/// "✖ blocked writing pipe 812" → "blocked writing pipe 812": a screen reader would read the
/// mark's Unicode name.
QString withoutMark(const QString &words)
{
    return !words.isEmpty() && !words.front().isLetterOrNumber() ? words.section(u' ', 1) : words;
}

class GraphItemAccessible : public QAccessibleInterface
{
public:
    GraphItemAccessible(EndpointGraph *graph, int index) : m_graph(graph), m_index(index) {}

    bool isValid() const override { return m_graph && m_index < m_graph->accessibleItems().size(); }
    QObject *object() const override { return nullptr; }
    QWindow *window() const override { return m_graph ? m_graph->window()->windowHandle() : nullptr; }
    QAccessibleInterface *focusChild() const override { return nullptr; }
    QAccessibleInterface *childAt(int, int) const override { return nullptr; }
    QAccessibleInterface *parent() const override { return QAccessible::queryAccessibleInterface(m_graph.data()); }
    QAccessibleInterface *child(int) const override { return nullptr; }
    int childCount() const override { return 0; }
    int indexOfChild(const QAccessibleInterface *) const override { return -1; }
    void setText(QAccessible::Text, const QString &) override {}

    QString text(QAccessible::Text t) const override
    {
        const EndpointGraph::AccessibleItem it = item();
        if (t == QAccessible::Name)
            return it.name;
        return t == QAccessible::Description ? it.description : QString();
    }

    QRect rect() const override
    {
        if (!isValid())
            return {};
        const QRect inView = m_graph->mapFromScene(item().sceneRect).boundingRect();
        return QRect(m_graph->viewport()->mapToGlobal(inView.topLeft()), inView.size());
    }

    QAccessible::Role role() const override
    {
        switch (item().kind) {
        case EndpointGraph::AccessibleItem::Kind::Pipe:
            return QAccessible::ProgressBar; // a fill level
        case EndpointGraph::AccessibleItem::Kind::Edge:
            return QAccessible::StaticText;
        case EndpointGraph::AccessibleItem::Kind::Process:
            break;
        }
        return QAccessible::Graphic;
    }

    QAccessible::State state() const override
    {
        QAccessible::State state;
        state.readOnly = true;
        state.invisible = !isValid();
        return state;
    }

private:
    EndpointGraph::AccessibleItem item() const
    {
        return isValid() ? m_graph->accessibleItems().at(m_index) : EndpointGraph::AccessibleItem();
    }

    QPointer<EndpointGraph> m_graph;
    int m_index;
};

QAccessibleInterface *graphFactory(const QString &, QObject *object)
{
    auto *graph = qobject_cast<EndpointGraph *>(object);
    return graph ? new EndpointGraphAccessible(graph) : nullptr;
}

} // namespace

EndpointGraphAccessible::EndpointGraphAccessible(EndpointGraph *graph)
    : QAccessibleWidget(graph, QAccessible::List, QStringLiteral("Endpoint graph"))
{
}

EndpointGraphAccessible::~EndpointGraphAccessible()
{
    for (QAccessible::Id id : std::as_const(m_children))
        QAccessible::deleteAccessibleInterface(id);
}

void EndpointGraphAccessible::installFactory()
{
    static const bool installed = [] {
        QAccessible::installFactory(graphFactory);
        return true;
    }();
    Q_UNUSED(installed);
}

void EndpointGraphAccessible::notifyChanged(EndpointGraph *graph)
{
    if (!QAccessible::isActive())
        return;
    QAccessibleEvent event(graph, QAccessible::DescriptionChanged);
    QAccessible::updateAccessibility(&event);
}

EndpointGraph *EndpointGraphAccessible::graph() const
{
    return static_cast<EndpointGraph *>(widget());
}

int EndpointGraphAccessible::childCount() const
{
    return int(graph()->accessibleItems().size());
}

QAccessibleInterface *EndpointGraphAccessible::child(int index) const
{
    if (index < 0 || index >= childCount())
        return nullptr;
    while (m_children.size() <= index) { // items are read by index: one interface per index
        auto *item = new GraphItemAccessible(graph(), int(m_children.size()));
        m_children << QAccessible::registerAccessibleInterface(item);
    }
    return QAccessible::accessibleInterface(m_children.at(index));
}

int EndpointGraphAccessible::indexOfChild(const QAccessibleInterface *child) const
{
    for (int i = 0; i < m_children.size(); ++i) {
        if (QAccessible::accessibleInterface(m_children.at(i)) == child)
            return i < childCount() ? i : -1;
    }
    return -1;
}

QString EndpointGraphAccessible::text(QAccessible::Text t) const
{
    if (t == QAccessible::Description)
        return graph()->accessibleSummary();
    return QAccessibleWidget::text(t);
}

QList<EndpointGraph::AccessibleItem> EndpointGraph::accessibleItems() const
{
    QList<AccessibleItem> items;
    QHash<qint64, QString> names;
    for (auto it = m_processes.cbegin(); it != m_processes.cend(); ++it) {
        const QString label = it->label->text();
        names.insert(it.key(), label.section(u'\n', 0, 0)); // "yes (pid 812)"
        items << AccessibleItem { AccessibleItem::Kind::Process, names.value(it.key()),
                                  withoutMark(label.section(u'\n', 1)), it->box->sceneBoundingRect() };
    }
    for (auto it = m_pipes.cbegin(); it != m_pipes.cend(); ++it) {
        items << AccessibleItem { AccessibleItem::Kind::Pipe, it->label->text(),
                                  it->frame->toolTip().replace(u'\n', QStringLiteral("; ")),
                                  it->frame->sceneBoundingRect() };
    }
    for (const auto &[key, link] : m_links) {
        const QString pipe = m_pipes.value(key).label ? m_pipes.value(key).label->text() : key;
        QString verb = link.mode == EndpointMode::Read ? QStringLiteral("reads from")
                     : link.mode == EndpointMode::Write ? QStringLiteral("writes into")
                                                        : QStringLiteral("reads and writes");
        if (link.opening)
            verb = link.mode == EndpointMode::Write ? QStringLiteral("waits in open() to write")
                                                    : QStringLiteral("waits in open() to read");
        const QString name = QStringLiteral("%1 %2 %3").arg(names.value(link.pid), verb, pipe);
        items << AccessibleItem { AccessibleItem::Kind::Edge, name,
                                  link.opening ? QStringLiteral("holds no end yet") : QStringLiteral("holds an end"),
                                  QRectF() };
    }
    return items;
}

QString EndpointGraph::accessibleSummary() const
{
    int blocked = 0;
    for (const ProcessItem &item : m_processes)
        blocked += item.label->text().contains(QStringLiteral("blocked")) ? 1 : 0;
    QString text = QStringLiteral("%1 processes, %2 pipes, %3 edges")
                           .arg(m_processes.size()).arg(m_pipes.size()).arg(m_links.size());
    if (blocked > 0)
        text += QStringLiteral("; %1 blocked").arg(blocked);
    return text;
}

QStringList EndpointGraph::visiblePipeKeys() const
{
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    QStringList keys;
    for (auto it = m_pipes.cbegin(); it != m_pipes.cend(); ++it) {
        if (visible.intersects(it->frame->sceneBoundingRect()))
            keys << it.key();
    }
    return keys;
}

QString EndpointGraph::processText(qint64 pid) const
{
    const auto it = m_processes.constFind(pid);
    return it == m_processes.cend() ? QString() : it->label->text();
}

QString EndpointGraph::pipeText(const QString &key) const
{
    const auto it = m_pipes.constFind(key);
    return it == m_pipes.cend() ? QString() : it->label->text();
}

QPointF EndpointGraph::processPosition(qint64 pid) const
{
    const auto it = m_processes.constFind(pid);
    return it == m_processes.cend() ? QPointF() : it->box->rect().center();
}

QPointF EndpointGraph::pipePosition(const QString &key) const
{
    const auto it = m_pipes.constFind(key);
    return it == m_pipes.cend() ? QPointF() : it->frame->rect().center();
}

} // namespace PipeScope::Ui
