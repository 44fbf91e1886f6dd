#pragma once
/// \file endpointgraph.h
/// The System page's live endpoint graph: processes as boxes, pipes as small gauges between
/// them (writer → pipe → reader), laid out left to right the way shell pipelines read; an
/// edge that closes a cycle runs back below the row with an arrow. A
/// blocked or stopped endpoint marks its process box in red with an icon and the words
/// ("✖ blocked writing pipe 812", "❚❚ stopped"). A process asleep in open() of a FIFO is
/// tied to it by a dashed red edge: it holds no end yet.
///
/// setSnapshot() rebuilds the scene only when the set of processes, pipes or edges changed;
/// otherwise it updates gauges and labels in place, so zoom, scroll and selection stay put.
/// Ctrl+wheel zooms; fit() shows everything; followPid() centers and highlights a process.
/// The labels are drawn at the application font's size times the zoom, and the zoom follows
/// the widget's font: a view given a larger font (presentation mode) zooms by the same ratio.
///
/// Screen readers see the graph as a list of its boxes, gauges and edges, each in words with
/// its state (accessibleItems(), served by EndpointGraphAccessible).

#include <pipescope/systemsnapshot.h>

#include <QGraphicsView>
#include <QHash>

class QGraphicsRectItem;
class QGraphicsSimpleTextItem;

namespace PipeScope::Ui {

class EndpointGraph : public QGraphicsView
{
    Q_OBJECT
public:
    /// More processes than this are not drawn (the page asks to filter instead).
    static constexpr int MaxProcesses = 150;

    /// One thing drawn, in words: a process box, a pipe gauge or an edge between them.
    struct AccessibleItem
    {
        enum class Kind { Process, Pipe, Edge };
        Kind kind = Kind::Process;
        QString name;        ///< "yes (pid 812)", "pipe 1234", "yes (pid 812) writes into pipe 1234"
        QString description; ///< its state: "blocked writing pipe 1234", "65536/65536 (100%)…"
        QRectF sceneRect;
    };

    explicit EndpointGraph(QWidget *parent = nullptr);

    /// Shows \a pipes (in \a snapshot, keyed by SystemPipesModel::keyString()).
    void setSnapshot(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes);

    /// Keys of the pipes whose gauges are inside the viewport (these get fill levels probed).
    QStringList visiblePipeKeys() const;
    int processCount() const { return int(m_processes.size()); }
    int pipeCount() const { return int(m_pipes.size()); }
    bool isTruncated() const { return m_truncated; }
    /// The label text of process \a pid's box ("" if not drawn).
    QString processText(qint64 pid) const;
    /// The label under pipe \a key's gauge ("" if not drawn).
    QString pipeText(const QString &key) const;
    /// The scene position of a process box or pipe gauge (for tests and following).
    QPointF processPosition(qint64 pid) const;
    QPointF pipePosition(const QString &key) const;
    /// fit() never zooms out below \a scale times the widget's font ratio, so labels stay at
    /// least that fraction of the surrounding text (a teaching view scrolls rather than shrink
    /// its words). 0, the default, lets fit() show everything at any size.
    void setMinimumFitScale(double scale) { m_minimumFitScale = scale; }
    /// The on-screen pixel size of a process label at the current zoom.
    double labelPixelSize() const;
    /// Every box, gauge and edge in words: processes, then pipes, then edges.
    QList<AccessibleItem> accessibleItems() const;
    /// "2 processes, 3 pipes, 4 edges; 1 process blocked".
    QString accessibleSummary() const;
    /// The whole graph at its natural size (not the view's zoom or scroll position) on the
    /// palette's base colour, with a margin: for a worksheet or a screenshot. A null image
    /// when nothing is drawn.
    QImage picture() const;
    /// The key of the highlighted pipe, empty if none.
    QString selectedPipe() const { return m_selectedPipe; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fit();
    /// Centers on \a pid's box and highlights it; false if it is not drawn.
    bool followPid(qint64 pid);
    void selectPipe(const QString &key);

Q_SIGNALS:
    void pipeClicked(const QString &key);
    void processClicked(qint64 pid);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct ProcessItem
    {
        QGraphicsRectItem *box = nullptr;
        QGraphicsSimpleTextItem *label = nullptr;
    };
    struct PipeItem
    {
        QGraphicsRectItem *frame = nullptr;
        QGraphicsRectItem *fill = nullptr;
        QGraphicsSimpleTextItem *label = nullptr;
    };
    /// A process's tie to a pipe: an end it holds, or (opening) the end its open() waits for.
    struct Link
    {
        qint64 pid = 0;
        EndpointMode mode = EndpointMode::Read;
        bool opening = false;
    };
    static QList<Link> linksOf(const PipeInfo &pipe);
    QString structureOf(const QList<const PipeInfo *> &pipes) const;
    void rebuild(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes);
    void addEdge(const QPointF &from, const QPointF &to, const QPen &pen);
    void updateItems(const SystemSnapshot &snapshot, const QList<const PipeInfo *> &pipes);
    void updateProcess(const SystemSnapshot &snapshot, qint64 pid, const QString &words, bool alarming);
    void updatePipe(const PipeInfo &pipe);
    void highlight();

    /// The edges drawn, with their pipe's key (for accessibleItems()).
    QList<QPair<QString, Link>> m_links;
    QString m_structure;
    QHash<qint64, ProcessItem> m_processes;
    QHash<QString, PipeItem> m_pipes;
    qint64 m_followed = -1;
    QString m_selectedPipe;
    bool m_truncated = false;
    int m_backEdges = 0; ///< drawn since the last rebuild, to space them apart
    double m_fontRatio = 1; ///< the widget's font over the application's (labels are drawn in the latter)
    double m_minimumFitScale = 0;
};

} // namespace PipeScope::Ui
