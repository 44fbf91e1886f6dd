#include "endpointgraph.h"

#include "endpointgraphaccessible.h"
#include "endpointwords.h"
#include "graphlayout.h"
#include "systempipesmodel.h"

#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>

#include <QEvent>
#include <QFontInfo>
#include <QGraphicsLineItem>
#include <QGraphicsPathItem>
#include <QPainterPath>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QPainter>
#include <QMouseEvent>
#include <QSet>
#include <QWheelEvent>

#include <cmath>

namespace PipeScope::Ui {

namespace {

constexpr double ColumnWidth = 200;
constexpr double RowHeight = 64;
constexpr double BoxWidth = 180;
constexpr double BoxHeight = 42;
constexpr double GaugeWidth = 80;
constexpr double GaugeHeight = 14;
constexpr int PidRole = 0;
constexpr int PipeRole = 1;

QString processNode(qint64 pid)
{
    return QStringLiteral("proc:%1").arg(pid, 10, 10, QLatin1Char('0'));
}

QColor fillColor(double fill)
{
    if (fill >= 0.9)
        return QColor(0xe0, 0x1b, 0x24);
    if (fill >= 0.5)
        return QColor(0xf5, 0xa6, 0x23);
    return QColor(0x33, 0xa1, 0x4b);
}

} // namespace

EndpointGraph::EndpointGraph(QWidget *parent) : QGraphicsView(parent)
{
    EndpointGraphAccessible::installFactory();
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
}

QList<EndpointGraph::Link> EndpointGraph::linksOf(const PipeInfo &pipe)
{
    QList<Link> links;
    QSet<qint64> seen; // one edge per process and end, however many fds it holds
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        if (!seen.contains(endpoint.pid * 4 + int(endpoint.mode)))
            links << Link { endpoint.pid, endpoint.mode, false };
        seen.insert(endpoint.pid * 4 + int(endpoint.mode));
    }
    for (const FifoOpener &opener : pipe.openers)
        links << Link { opener.pid, opener.mode, true };
    return links;
}

QString EndpointGraph::structureOf(const QList<const PipeInfo *> &pipes) const
{
    QString text;
    for (const PipeInfo *pipe : pipes) {
        text += SystemPipesModel::keyString(pipe->key) + u'=';
        for (const Link &link : linksOf(*pipe))
            text += QStringLiteral("%1:%2%3,").arg(link.pid).arg(int(link.mode)).arg(link.opening ? u'o' : u'h');
        text += u';';
    }
    return text;
}

void EndpointGraph::setSnapshot(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes)
{
    // Keep at most MaxProcesses boxes: a pipe leaked into every process of a session would
    // otherwise turn the graph into a hairball.
    QList<const PipeInfo *> shown;
    QSet<qint64> pids;
    m_truncated = false;
    for (const PipeInfo *pipe : pipes) {
        const QSet<qint64> more = pids + SnapshotFormat::participants(*pipe);
        if (more.size() > MaxProcesses) {
            m_truncated = true;
            continue;
        }
        pids = more;
        shown << pipe;
    }
    const QString structure = structureOf(shown);
    if (structure != m_structure) {
        m_structure = structure;
        rebuild(snapshot, shown);
    }
    updateItems(snapshot, shown);
}

void EndpointGraph::rebuild(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes)
{
    scene()->clear();
    m_processes.clear();
    m_pipes.clear();
    m_links.clear();
    m_backEdges = 0;
    GraphLayout layout;
    for (const PipeInfo *pipe : pipes) {
        const QString key = SystemPipesModel::keyString(pipe->key);
        layout.addNode(key);
        for (const Link &link : linksOf(*pipe)) {
            if (link.mode != EndpointMode::Read)
                layout.addEdge(processNode(link.pid), key);
            if (link.mode != EndpointMode::Write)
                layout.addEdge(key, processNode(link.pid));
        }
    }
    const QHash<QString, QPoint> grid = layout.compute();
    const auto centerOf = [&](const QString &node) {
        const QPoint cell = grid.value(node);
        return QPointF(cell.x() * ColumnWidth, cell.y() * RowHeight);
    };
    const QPen heldPen(QColor(0x77, 0x77, 0x77), 1.5);
    // A process still in open() holds no end yet: its edge is dashed and red, like its box.
    const QPen openingPen(QColor(0xc0, 0x1c, 0x28), 1.5, Qt::DashLine);
    for (const PipeInfo *pipe : pipes) {
        const QString key = SystemPipesModel::keyString(pipe->key);
        const QPointF at = centerOf(key);
        for (const Link &link : linksOf(*pipe)) {
            m_links << qMakePair(key, link);
            const QPointF process = centerOf(processNode(link.pid));
            const QPen &pen = link.opening ? openingPen : heldPen;
            if (link.mode != EndpointMode::Read)
                addEdge(process + QPointF(BoxWidth / 2, 0), at - QPointF(GaugeWidth / 2, 0), pen);
            if (link.mode != EndpointMode::Write)
                addEdge(at + QPointF(GaugeWidth / 2, 0), process - QPointF(BoxWidth / 2, 0), pen);
        }
        PipeItem item;
        item.frame = scene()->addRect(QRectF(at.x() - GaugeWidth / 2, at.y() - GaugeHeight / 2, GaugeWidth, GaugeHeight),
                                      QPen(Qt::black), QBrush(Qt::white));
        item.fill = scene()->addRect(QRectF(), Qt::NoPen, QBrush());
        item.label = scene()->addSimpleText(gaugeLabel(*pipe));
        QFont small = item.label->font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        item.label->setFont(small);
        item.label->setPos(at.x() - GaugeWidth / 2, at.y() + GaugeHeight / 2 + 1);
        item.frame->setData(PipeRole, key);
        item.fill->setData(PipeRole, key);
        m_pipes.insert(key, item);
    }
    for (const PipeInfo *pipe : pipes) {
        for (const Link &link : linksOf(*pipe)) {
            if (m_processes.contains(link.pid))
                continue;
            const QPointF at = centerOf(processNode(link.pid));
            ProcessItem item;
            item.box = scene()->addRect(QRectF(at.x() - BoxWidth / 2, at.y() - BoxHeight / 2, BoxWidth, BoxHeight));
            item.label = scene()->addSimpleText(QString(), QFont());
            item.label->setParentItem(item.box);
            item.label->setPos(at.x() - BoxWidth / 2 + 6, at.y() - BoxHeight / 2 + 4);
            item.box->setData(PidRole, link.pid);
            m_processes.insert(link.pid, item);
        }
    }
    Q_UNUSED(snapshot);
    scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20));
}

void EndpointGraph::addEdge(const QPointF &from, const QPointF &to, const QPen &pen)
{
    if (to.x() >= from.x()) {
        scene()->addLine(QLineF(from, to), pen)->setZValue(-1);
        return;
    }
    // A back edge closes a cycle (a process that writes a pipe it also, through others,
    // reads: the shape of every deadlock). Drawn straight it would run hidden along the row's
    // other edges, so it goes around below the boxes, through the gap between rows, and
    // ends in an arrow. Each one is a little lower than the last so they stay apart.
    const double below = std::max(from.y(), to.y()) + BoxHeight / 2 + 5 + 3 * (m_backEdges++ % 4);
    const double out = from.x() + 12, in = to.x() - 12;
    QPainterPath path(from);
    path.lineTo(out, from.y());
    path.lineTo(out, below);
    path.lineTo(in, below);
    path.lineTo(in, to.y());
    path.lineTo(to);
    scene()->addPath(path, pen)->setZValue(-1);
    QPolygonF arrow({to, to + QPointF(-7, -4), to + QPointF(-7, 4)});
    scene()->addPolygon(arrow, pen, pen.color())->setZValue(-1);
}

void EndpointGraph::updateItems(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes)
{
    // What each box says: its first alarming endpoint (blocked, stopped), else its first notable
    // one (flowing, pacing itself), else its first state: a writer flowing into its stdout pipe
    // is not "blocked-elsewhere" because of the stderr it shares with its parent.
    QHash<qint64, GraphWords> words;
    const auto say = [&](qint64 pid, const GraphWords &said) {
        const auto it = words.constFind(pid);
        if (it == words.cend() || said.rank > it->rank)
            words.insert(pid, said);
    };
    for (const PipeInfo *pipe : pipes) {
        updatePipe(*pipe);
        for (const FifoOpener &opener : pipe->openers)
            say(opener.pid, { opener.mode == EndpointMode::Write ? QStringLiteral("✖ blocked opening to write")
                                                                 : QStringLiteral("✖ blocked opening to read"),
                              GraphWords::Alarm });
        for (const PipeEndpoint &endpoint : pipe->endpoints)
            say(endpoint.pid, endpointWords(snapshot, endpoint, *pipe));
    }
    for (auto it = m_processes.cbegin(); it != m_processes.cend(); ++it) {
        const GraphWords said = words.value(it.key());
        updateProcess(snapshot, it.key(), said.text, said.rank == GraphWords::Alarm);
    }
    highlight();
    EndpointGraphAccessible::notifyChanged(this);
}

void EndpointGraph::updateProcess(const SystemSnapshot &snapshot, qint64 pid, const QString &words,
                                  bool alarming)
{
    const ProcessItem &item = m_processes[pid];
    const ProcessInfo *process = snapshot.process(pid);
    QString name = PipeDiagnostics::processName(snapshot, pid).remove(u'`');
    item.label->setText(SnapshotFormat::escaped(name) + u'\n' + words);
    item.box->setToolTip(SnapshotFormat::escaped(process ? process->command : name));
    item.box->setBrush(alarming ? QColor(0xfd, 0xe2, 0xe1) : QColor(0xf6, 0xf5, 0xf4));
    item.box->setPen(QPen(alarming ? QColor(0xc0, 0x1c, 0x28) : QColor(0x5e, 0x5c, 0x64), 1.5));
}

void EndpointGraph::updatePipe(const PipeInfo &pipe)
{
    const PipeItem &item = m_pipes[SystemPipesModel::keyString(pipe.key)];
    const QRectF frame = item.frame->rect();
    QString tip = SnapshotFormat::pipeTitle(pipe) + u'\n' + SnapshotFormat::fillText(pipe);
    for (const Diagnostic &diagnostic : pipe.diagnostics)
        tip += u'\n' + severityName(diagnostic.severity) + QStringLiteral(": ") + diagnostic.text;
    item.frame->setToolTip(tip);
    if (!pipe.queued || !pipe.capacity || *pipe.capacity <= 0) {
        item.fill->setRect(frame);
        item.fill->setBrush(QBrush(QColor(0xc0, 0xbf, 0xbc), Qt::BDiagPattern));
        return;
    }
    const double fill = std::clamp(double(*pipe.queued) / double(*pipe.capacity), 0.0, 1.0);
    item.fill->setRect(QRectF(frame.topLeft(), QSizeF(frame.width() * fill, frame.height())));
    item.fill->setBrush(fillColor(fill));
}

void EndpointGraph::highlight()
{
    for (auto it = m_processes.cbegin(); it != m_processes.cend(); ++it) {
        if (it.key() == m_followed)
            it->box->setPen(QPen(QColor(0x1c, 0x71, 0xd8), 3));
    }
    for (auto it = m_pipes.cbegin(); it != m_pipes.cend(); ++it)
        it->frame->setPen(QPen(it.key() == m_selectedPipe ? QColor(0x1c, 0x71, 0xd8) : QColor(Qt::black),
                               it.key() == m_selectedPipe ? 3 : 1));
}

void EndpointGraph::zoomIn()
{
    scale(1.25, 1.25);
}

void EndpointGraph::zoomOut()
{
    scale(0.8, 0.8);
}

void EndpointGraph::fit()
{
    fitInView(scene()->itemsBoundingRect().adjusted(-10, -10, 10, 10), Qt::KeepAspectRatio);
    const double floor = m_minimumFitScale * m_fontRatio;
    if (transform().m11() < floor)
        setTransform(QTransform::fromScale(floor, floor));
}

double EndpointGraph::labelPixelSize() const
{
    return QFontInfo(scene()->font()).pixelSize() * transform().m11();
}

void EndpointGraph::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() != QEvent::FontChange)
        return;
    // The scene keeps the application font; the zoom carries the widget's larger or smaller
    // one, so boxes, gauges and their words grow together and the layout still fits.
    const double ratio = QFontInfo(font()).pointSizeF() / QFontInfo(QFont()).pointSizeF();
    if (ratio > 0 && !qFuzzyCompare(ratio, m_fontRatio)) {
        scale(ratio / m_fontRatio, ratio / m_fontRatio);
        m_fontRatio = ratio;
    }
}

bool EndpointGraph::followPid(qint64 pid)
{
    m_followed = pid;
    const auto it = m_processes.constFind(pid);
    if (it == m_processes.cend())
        return false;
    highlight();
    centerOn(it->box);
    return true;
}

void EndpointGraph::selectPipe(const QString &key)
{
    m_selectedPipe = key;
    highlight();
    const auto it = m_pipes.constFind(key);
    if (it != m_pipes.cend())
        ensureVisible(it->frame);
}

void EndpointGraph::wheelEvent(QWheelEvent *event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    const double factor = std::pow(1.0015, event->angleDelta().y());
    scale(factor, factor);
    event->accept();
}

void EndpointGraph::mousePressEvent(QMouseEvent *event)
{
    for (QGraphicsItem *item = itemAt(event->position().toPoint()); item; item = item->parentItem()) {
        if (item->data(PipeRole).isValid()) {
            Q_EMIT pipeClicked(item->data(PipeRole).toString());
            break;
        }
        if (item->data(PidRole).isValid()) {
            Q_EMIT processClicked(item->data(PidRole).toLongLong());
            break;
        }
    }
    QGraphicsView::mousePressEvent(event);
}

QImage EndpointGraph::picture() const
{
    const QRectF source = scene()->itemsBoundingRect().adjusted(-12, -12, 12, 12);
    if (scene()->items().isEmpty() || source.isEmpty())
        return {};
    QImage image(source.size().toSize(), QImage::Format_RGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    scene()->render(&painter, QRectF(QPointF(0, 0), source.size()), source);
    return image;
}

} // namespace PipeScope::Ui
