#include "systempage.h"

#include "endpointgraph.h"
#include "readingorder.h"
#include "systempipesmodel.h"

#include <pipescope/snapshotformat.h>

#include <QAction>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <unistd.h>
#include <utility>

namespace PipeScope::Ui {

namespace {

constexpr int FirstFrameProbes = 64; // before anything is on screen: the first rows

QPushButton *toolButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setToolTip(tip);
    return button;
}

} // namespace

SystemPage::SystemPage(QWidget *parent, const QString &procRoot, SystemMonitor *monitor)
    : QWidget(parent), m_monitor(monitor ? monitor : new SystemMonitor(procRoot, this)),
      m_model(new SystemPipesModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(SystemPipesModel::SortRole);
    m_meter = new QAction(QStringLiteral("Meter this pipeline"), this);
    m_meter->setObjectName(QStringLiteral("meterPipeline"));
    m_meter->setToolTip(QStringLiteral("Open the pipeline the selected pipe belongs to on the Pipeline "
                                       "page: rates, totals and the bottleneck."));
    connect(m_meter, &QAction::triggered, this, [this] {
        if (const PipeInfo *pipe = m_model->pipe(m_selected); pipe && !pipe->endpoints.isEmpty())
            Q_EMIT meterPipelineRequested(pipe->endpoints.first().pid);
    });

    m_onlyHolder = new QAction(QStringLiteral("Only this process"), this);
    m_onlyHolder->setObjectName(QStringLiteral("onlyThisProcess"));
    m_onlyHolder->setToolTip(QStringLiteral("Show only the pipes of the selected pipe's first holder, as "
                                            "`pipescope --pid N` does; the chip in the toolbar shows "
                                            "everything again."));
    connect(m_onlyHolder, &QAction::triggered, this, [this] {
        if (const PipeInfo *pipe = m_model->pipe(m_selected); pipe && !pipe->endpoints.isEmpty())
            setPidFilter(pipe->endpoints.first().pid);
    });

    // Connected before the table's selection model is: when the selected row leaves the proxy
    // (filtered out, or the pipe is gone) that model makes a neighbour current, or none without
    // a word, and the inspector would show a pipe the user did not pick or cannot see.
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first, int last) { onRowsLeaving(first, last); });
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(QStringLiteral("Pipes on this system"));
    m_graph = new EndpointGraph(this);
    for (QWidget *view : std::initializer_list<QWidget *>{ m_table, m_graph }) {
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
        view->addActions({ m_meter, m_onlyHolder });
    }

    auto *views = new QSplitter(Qt::Vertical, this);
    views->addWidget(m_graph);
    views->addWidget(m_table);
    views->setSizes({ 1000, 1000 }); // the graph is the page's picture: as tall as the table
    auto *body = new QSplitter(Qt::Horizontal, this);
    body->addWidget(views);
    body->addWidget(createInspector());
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 1);

    m_permissions = new QLabel(this);
    m_permissions->setWordWrap(true);
    m_permissions->hide();
    m_status = new QLabel(this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createToolbar());
    layout->addWidget(m_permissions);
    layout->addWidget(body, 1);
    layout->addWidget(m_status);
    ReadingOrder::apply(this); // the toolbar is made after the views below it

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SystemPage::onCurrentRowChanged);
    connect(m_graph, &EndpointGraph::pipeClicked, this, &SystemPage::selectPipe);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        updateGraph();
    });
    // The filter applies to what is shown: the latest update again, then a fresh one.
    connect(m_showAll, &QCheckBox::toggled, this, [this] {
        showSnapshot(m_monitor->latest().snapshot);
        refreshNow();
    });
    m_monitor->setInterval(DefaultScanIntervalMs);
    m_monitor->setInterest(this, onScreen());
    connect(m_monitor, &SystemMonitor::updated, this, &SystemPage::showUpdate);
    connect(m_monitor, &SystemMonitor::focusProbed, this, &SystemPage::showProbe);
}

QWidget *SystemPage::createToolbar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit(bar);
    m_filter->setPlaceholderText(QStringLiteral("Filter: pid, command, inode, state…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(QStringLiteral("Filter pipes"));
    m_showAll = new QCheckBox(QStringLiteral("Self-pipes too"), bar);
    m_showAll->setToolTip(QStringLiteral("Also pipes one process holds both ends of (event-loop wake-ups)."));
    auto *zoomIn = toolButton(QStringLiteral("+"), QStringLiteral("Zoom in (Ctrl+wheel)"), bar);
    auto *zoomOut = toolButton(QStringLiteral("−"), QStringLiteral("Zoom out (Ctrl+wheel)"), bar);
    auto *fit = toolButton(QStringLiteral("Fit"), QStringLiteral("Show the whole graph"), bar);
    auto *now = toolButton(QStringLiteral("Rescan"), QStringLiteral("Scan /proc now"), bar);
    connect(zoomIn, &QPushButton::clicked, m_graph, &EndpointGraph::zoomIn);
    connect(zoomOut, &QPushButton::clicked, m_graph, &EndpointGraph::zoomOut);
    connect(fit, &QPushButton::clicked, m_graph, &EndpointGraph::fit);
    connect(now, &QPushButton::clicked, this, &SystemPage::refreshNow);
    m_pidChip = new QToolButton(bar);
    m_pidChip->setObjectName(QStringLiteral("pidFilterChip"));
    m_pidChip->setCheckable(true);
    m_pidChip->setToolTip(QStringLiteral("Only this process's pipes are shown. Click to show every pipe again."));
    m_pidChip->hide();
    connect(m_pidChip, &QToolButton::toggled, this, [this](bool on) {
        if (!on)
            setPidFilter(-1);
    });
    row->addWidget(m_pidChip);
    row->addWidget(m_filter, 1);
    row->addWidget(m_showAll);
    for (QPushButton *button : { zoomIn, zoomOut, fit, now })
        row->addWidget(button);
    return bar;
}

void SystemPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_monitor->start();
}

void SystemPage::hideEvent(QHideEvent *event)
{
    m_monitor->stop();
    QWidget::hideEvent(event);
}

void SystemPage::setScanInterval(int ms)
{
    m_monitor->setInterval(ms);
}

int SystemPage::scanInterval() const
{
    return m_monitor->interval();
}

PipeInterest SystemPage::onScreen() const
{
    PipeInterest interest;
    if (m_model->rowCount() == 0) {
        interest.firstPipes = FirstFrameProbes; // nothing laid out yet: the first rows
        return interest;
    }
    const QStringList visible = m_graph->visiblePipeKeys();
    QSet<QString> keys(visible.cbegin(), visible.cend());
    const int top = m_table->rowAt(0);
    const int bottom = m_table->rowAt(m_table->viewport()->height() - 1);
    for (int row = std::max(top, 0); top >= 0 && row <= (bottom < 0 ? m_proxy->rowCount() - 1 : bottom); ++row)
        keys.insert(m_proxy->index(row, 0).data(SystemPipesModel::KeyRole).toString());
    if (!m_selected.isEmpty())
        keys.insert(m_selected);
    for (const QString &key : std::as_const(keys)) {
        if (const PipeInfo *pipe = m_model->pipe(key))
            interest.pipes << pipe->key;
    }
    return interest;
}

void SystemPage::refreshNow()
{
    m_monitor->refreshNow();
}

void SystemPage::showUpdate(const MonitorUpdate &update)
{
    QElapsedTimer timer;
    timer.start();
    showSnapshot(update.snapshot);
    if (!m_reveal.isEmpty()) {
        const QString key = std::exchange(m_reveal, QString());
        if (m_model->rowOf(key) < 0 && !m_showAll->isChecked())
            m_showAll->setChecked(true); // shows the latest update again, with self-pipes
        if (m_model->rowOf(key) < 0 && m_onlyPid > 0)
            setPidFilter(-1); // another process's pipe: everything again
        const int row = m_model->rowOf(key);
        if (row >= 0 && !m_proxy->mapFromSource(m_model->index(row, 0)).isValid())
            m_filter->clear(); // revealing means showing it
        selectPipe(key);
    }
    m_monitor->setInterest(this, onScreen()); // for the next scan
    m_lastShowNs = timer.nsecsElapsed();
    m_status->setText(QStringLiteral("%1 pipes shown of %2 · %3 processes scanned · scan %4 ms (off the GUI "
                                     "thread) · shown in %5 ms")
                              .arg(m_model->rowCount())
                              .arg(update.snapshot.pipes.size())
                              .arg(update.snapshot.processesScanned)
                              .arg(update.scanNs / 1000000)
                              .arg(double(m_lastShowNs) / 1e6, 0, 'f', 1));
    Q_EMIT snapshotShown();
}

void SystemPage::showSnapshot(const SystemSnapshot &snapshot)
{
    // The CLI's filter, so the page and `pipescope list --pid N` agree on a process's pipes
    // (its self-pipes included).
    m_model->update(snapshot, SnapshotFormat::cliFilter(m_onlyPid, m_showAll->isChecked(), ::getpid()));
    updatePermissions(snapshot);
    updateGraph();
    if (m_followPid > 0)
        applyFollow(m_selected.isEmpty());
    refreshInspector();
}

void SystemPage::updateGraph()
{
    QList<const PipeInfo *> pipes;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const int source = m_proxy->mapToSource(m_proxy->index(row, 0)).row();
        if (const PipeInfo *pipe = m_model->pipeAt(source))
            pipes << pipe;
    }
    m_graph->setSnapshot(m_model->snapshot(), pipes);
    m_graph->selectPipe(m_selected);
}

void SystemPage::updatePermissions(const SystemSnapshot &snapshot)
{
    int denied = 0;
    QStringList examples;
    for (const SkippedProcess &skipped : snapshot.skipped) {
        if (skipped.error.code() != EACCES && skipped.error.code() != EPERM)
            continue;
        if (++denied <= 8)
            examples << QStringLiteral("%1 %2 (uid %3)").arg(skipped.pid).arg(skipped.comm).arg(skipped.uid);
    }
    m_permissions->setVisible(denied > 0);
    const QString count = denied == 1 ? QStringLiteral("1 process is") : QStringLiteral("%1 processes are").arg(denied);
    // Root is refused too by processes of a sandbox or another user namespace: no advice helps.
    m_permissions->setText(::geteuid() == 0
                                   ? QStringLiteral("%1 closed even to root (a sandbox or another user "
                                                    "namespace), so their pipes are not shown.").arg(count)
                                   : QStringLiteral("%1 not ours, so their pipes are not shown. Run as their "
                                                    "user, or as root, or give pipescope CAP_SYS_PTRACE + "
                                                    "CAP_DAC_READ_SEARCH (read-only access).").arg(count));
    m_permissions->setToolTip(examples.join(u'\n'));
}

void SystemPage::followPid(qint64 pid)
{
    m_followPid = pid;
    applyFollow(true);
}

void SystemPage::setPidFilter(qint64 pid)
{
    m_onlyPid = pid > 0 ? pid : -1;
    const QSignalBlocker blocker(m_pidChip); // its toggled(false) is the way out, not this
    m_pidChip->setChecked(m_onlyPid > 0);
    m_pidChip->setText(QStringLiteral("only PID %1 ×").arg(m_onlyPid));
    m_pidChip->setVisible(m_onlyPid > 0);
    m_showAll->setEnabled(m_onlyPid <= 0); // the process's self-pipes are shown with it
    showSnapshot(m_monitor->latest().snapshot);
    refreshNow();
}

void SystemPage::applyFollow(bool select)
{
    // The FIFO the process is blocked opening, if any: that is where it is stuck. Else the
    // pipe on its lowest fd: its stdin or stdout for a pipeline stage.
    const PipeInfo *best = nullptr;
    const PipeInfo *opening = nullptr;
    int bestFd = -1;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const PipeInfo *pipe = m_model->pipeAt(row);
        if (!m_proxy->mapFromSource(m_model->index(row, 0)).isValid())
            continue; // the text filter hides it: selecting it would show a hidden pipe
        for (const FifoOpener &opener : pipe->openers) {
            if (opener.pid == m_followPid)
                opening = pipe;
        }
        for (const PipeEndpoint &endpoint : pipe->endpoints) {
            if (endpoint.pid == m_followPid && (bestFd < 0 || endpoint.fd < bestFd)) {
                best = pipe;
                bestFd = endpoint.fd;
            }
        }
    }
    if (opening)
        best = opening;
    if (!best)
        return; // not (yet) holding a pipe we can see: retried after each scan
    if (select)
        selectPipe(SystemPipesModel::keyString(best->key));
    m_graph->followPid(m_followPid);
}

} // namespace PipeScope::Ui
