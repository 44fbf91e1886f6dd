#include "mainwindow.h"

#include "datapanel.h"
#include "dockfit.h"
#include "endpointsmodel.h"
#include "endpointspanel.h"
#include "kernelpanel.h"
#include "livelabel.h"
#include "messagebar.h"
#include "pagedocks.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "readingorder.h"
#include "statepresentation.h"
#include "theme.h"
#include "timelinepanel.h"
#include "tooltipwrap.h"
#include "focusedcontrolkeys.h"

#include <pipescope/lab.h>
#include <pipescope/labpipe.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace PipeScope::Ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent),
      m_lab(new Lab(this)),
      m_pages(new QTabWidget(this)),
      m_message(new MessageBar(this)),
      m_endpointsModel(new EndpointsModel(this)),
      m_inspector(new PipeInspector(this))
{
    // The title names the page; Qt appends the application's display name ("— PipeScope").
    setWindowTitle(QStringLiteral("Pipe Lab"));
    qApp->installEventFilter(new FocusedControlKeys(this));
    qApp->installEventFilter(new ToolTipWrap(this));
    setWindowIcon(StatePresentation::icon(QStringLiteral("pipescope")));
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_inspector);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    ReadingOrder::apply(scroll); // made after the inspector: it would come after its controls
    m_pages->addTab(scroll, QStringLiteral("Pipe Lab"));
    m_pages->setDocumentMode(true);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_message);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    createDocks();
    createMenus();
    createStatusBar();
    connect(m_lab, &Lab::pipeAdded, this, &MainWindow::onPipeAdded);
    connect(m_lab, &Lab::pipeRemoved, this, [this] { refresh(); });
    connect(m_inspector, &PipeInspector::errorOccurred, this, &MainWindow::showError);
    connect(m_inspector, &PipeInspector::removeRequested, this, &MainWindow::removePipe);
    connect(m_timeline, &TimelinePanel::errorOccurred, this, &MainWindow::showError);
    connect(m_pages, &QTabWidget::currentChanged, this, &MainWindow::updateTitle);
    m_noteTimer.setSingleShot(true);
    connect(&m_noteTimer, &QTimer::timeout, this, [this] {
        m_note.clear();
        showStatusLine();
    });
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, &MainWindow::refresh);
    m_refresh.setInterval(DefaultRefreshIntervalMs);
    connect(&m_refresh, &QTimer::timeout, this, &MainWindow::refresh);
    m_refresh.start();
    // 1400×900 shows every panel without scrolling; smaller screens get 90 % of their area.
    QSize size(1400, 900);
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableSize() * 0.9);
    resize(size);
    restoreSettings();
    fitToScreen();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!m_fittedOnShow) { // the frame's size is known once the window exists
        m_fittedOnShow = true;
        fitToScreen();
    }
}

void MainWindow::fitToScreen()
{
    // A geometry saved on a bigger screen (or on a monitor gone since) must not leave the
    // window, its title bar or its buttons off this one: shrink it to the screen, then move
    // it inside.
    if (isMaximized() || isFullScreen())
        return;
    const QScreen *screen = QGuiApplication::screenAt(geometry().center());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize frame = frameGeometry().size() - size(); // the window manager's decoration
    resize(size().boundedTo(available.size() - frame));
    const QRect outer = frameGeometry();
    move(std::clamp(outer.x(), available.left(), std::max(available.left(), available.right() + 1 - outer.width())),
         std::clamp(outer.y(), available.top(), std::max(available.top(), available.bottom() + 1 - outer.height())));
}

void MainWindow::updateTitle()
{
    QString title = m_pages->tabText(m_pages->currentIndex());
    if (!windowFilePath().isEmpty())
        title = QStringLiteral("%1 — %2").arg(QFileInfo(windowFilePath()).fileName(), title);
    setWindowTitle(title);
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_endpoints = new EndpointsPanel(m_endpointsModel, this);
    connect(m_endpoints, &EndpointsPanel::pipeSelected, this, &MainWindow::onPipeSelected);
    m_data = new DataPanel(this);
    m_timeline = new TimelinePanel(m_lab->eventLog(), this);
    auto dock = [this](const QString &title, const QString &name, QWidget *content, Qt::DockWidgetArea area) {
        auto *widget = new QDockWidget(title, this);
        widget->setObjectName(name);
        widget->setWidget(content);
        addDockWidget(area, widget);
        return widget;
    };
    QDockWidget *endpoints = dock(QStringLiteral("Endpoints"), QStringLiteral("endpointsDock"), m_endpoints, Qt::LeftDockWidgetArea);
    QDockWidget *data = dock(QStringLiteral("Data"), QStringLiteral("dataDock"), m_data, Qt::BottomDockWidgetArea);
    QDockWidget *timeline = dock(QStringLiteral("Event timeline"), QStringLiteral("timelineDock"), m_timeline, Qt::BottomDockWidgetArea);
    splitDockWidget(data, timeline, Qt::Horizontal);
    resizeDocks({ endpoints }, { 440 }, Qt::Horizontal);
    resizeDocks({ data, timeline }, { 640, 760 }, Qt::Horizontal);
    resizeDocks({ data }, { 230 }, Qt::Vertical);
    m_toolBar = addToolBar(QStringLiteral("Lab")); // its actions come with the menus
    m_toolBar->setObjectName(QStringLiteral("labToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_labBars = new PageDocks(m_pages, m_pages->widget(0), { endpoints, data, timeline, m_toolBar }, this);
    new DockFit(this, qobject_cast<QScrollArea *>(m_pages->widget(0)), { endpoints });
}

void MainWindow::createStatusBar()
{
    m_pipeCount = new LiveLabel(QStringLiteral("9999 pipes"), this);
    m_pipeCount->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_throughput = new LiveLabel(QStringLiteral("999.9 MiB/s read in total"), this);
    m_throughput->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_warning = new QLabel(this);
    m_warning->setToolTip(QStringLiteral("The first problem found among the lab's pipes."));
    statusBar()->addWidget(m_warning, 1);
    statusBar()->addPermanentWidget(m_throughput);
    statusBar()->addPermanentWidget(m_pipeCount);
}

void MainWindow::addPage(QWidget *page, const QString &title)
{
    m_pages->addTab(page, title);
}

void MainWindow::onPipeAdded(LabPipe *pipe)
{
    // A new pipe is what the user wants to look at. Loading a lab adds many pipes at once, so
    // the refresh that shows them (and selects the newest) is coalesced.
    m_pendingSelection = pipe->id();
    m_soon.start();
}

void MainWindow::onPipeSelected(int id)
{
    LabPipe *pipe = id > 0 ? m_lab->pipe(id) : nullptr;
    if (pipe == m_inspector->pipe())
        return;
    m_inspector->setPipe(pipe);
    m_data->setPipe(pipe);
    m_timeline->setSelectedPipe(id);
}

void MainWindow::selectPipe(int id)
{
    m_endpoints->selectPipe(id);
    onPipeSelected(id);
}

LabPipe *MainWindow::selectedPipe() const
{
    return m_inspector->pipe();
}

void MainWindow::refresh()
{
    const QList<LabPipeSnapshot> snapshots = m_lab->snapshots();
    m_endpointsModel->update(snapshots);
    if (m_pendingSelection > 0) {
        const int id = std::exchange(m_pendingSelection, -1);
        selectPipe(id);
    }
    if (LabPipe *pipe = m_inspector->pipe(); pipe && m_inspector->isVisible()) {
        for (const LabPipeSnapshot &s : snapshots) {
            if (s.id == pipe->id())
                m_inspector->refresh(s);
        }
    }
    if (!m_lab->pipe(m_inspector->pipe() ? m_inspector->pipe()->id() : -1) && m_inspector->pipe())
        onPipeSelected(-1);
    if (m_data->isVisible())
        m_data->refresh();
    if (m_timeline->isVisible())
        m_timeline->refresh();
    updateStatusBar(snapshots);
}

void MainWindow::updateStatusBar(const QList<LabPipeSnapshot> &snapshots)
{
    double rate = 0;
    QStringList warnings;
    for (const LabPipeSnapshot &s : snapshots) {
        rate += s.readRate;
        const QString warning = KernelPanel::warningFor(s);
        if (!warning.isEmpty())
            warnings << QStringLiteral("%1: %2").arg(s.name, warning);
    }
    m_pipeCount->setText(snapshots.size() == 1 ? QStringLiteral("1 pipe")
                                                : QStringLiteral("%1 pipes").arg(snapshots.size()));
    m_throughput->setText(QStringLiteral("%1 read in total").arg(formatRate(rate)));
    QString text = warnings.value(0);
    if (warnings.size() > 1)
        text += QStringLiteral(" (and %1 more)").arg(warnings.size() - 1);
    m_warningText = text.isEmpty() ? QString() : QStringLiteral("⚠ ") + text;
    showStatusLine();
}

void MainWindow::showStatusLine()
{
    // One line, one message: a recent error or note stands in front of the lasting warning
    // (QStatusBar's own temporary message would be drawn over it).
    m_warning->setText(m_note.isEmpty() ? m_warningText : m_note);
}

void MainWindow::showStatusNote(const QString &text)
{
    m_note = text;
    m_noteTimer.start(StatusNoteMs);
    showStatusLine();
}

QString MainWindow::warningText() const
{
    return m_warningText;
}

QString MainWindow::statusLine() const
{
    return m_warning->text();
}

QString MainWindow::statusText() const
{
    return QStringLiteral("%1 · %2").arg(m_pipeCount->text(), m_throughput->text());
}

void MainWindow::showError(const QString &message)
{
    m_message->showMessage(message, MessageBar::Kind::Error);
    showStatusNote(QStringLiteral("✖ ") + message);
}

void MainWindow::setChromeHidden(bool hidden)
{
    menuBar()->setVisible(!hidden);
    statusBar()->setVisible(!hidden);
    m_pages->tabBar()->setVisible(!hidden);
}

void MainWindow::setRefreshInterval(int ms)
{
    m_refresh.setInterval(ms);
}

void MainWindow::togglePause()
{
    m_inspector->readerPanel()->togglePause();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_labBars->restore(); // the saved layout is the Lab page's, whatever page is shown now
    saveSettings();
    event->accept();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_lastDirectory = settings.value(QStringLiteral("lastDirectory")).toString();
    m_lastCommand = settings.value(QStringLiteral("lastCommand"), QStringLiteral("gzip -c")).toString();
    m_data->peekBox()->setChecked(settings.value(QStringLiteral("peek"), true).toBool());
    m_timeline->selectedOnlyBox()->setChecked(settings.value(QStringLiteral("timelineSelectedOnly"), false).toBool());
    // At least 10 Hz: the kernel gauge is only useful live.
    if (const Theme::Kind theme = Theme::fromName(settings.value(QStringLiteral("theme")).toString());
        theme != Theme::Kind::System)
        Theme::apply(theme);
    if (auto *chosen = findChild<QAction *>(QStringLiteral("theme-") + Theme::name(Theme::current())))
        chosen->setChecked(true);
    setRefreshInterval(std::clamp(settings.value(QStringLiteral("refreshIntervalMs"), DefaultRefreshIntervalMs).toInt(), 16, 100));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("MainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("lastDirectory"), m_lastDirectory);
    settings.setValue(QStringLiteral("lastCommand"), m_lastCommand);
    settings.setValue(QStringLiteral("peek"), m_data->peekBox()->isChecked());
    settings.setValue(QStringLiteral("timelineSelectedOnly"), m_timeline->selectedOnlyBox()->isChecked());
    settings.setValue(QStringLiteral("refreshIntervalMs"), refreshInterval());
    settings.setValue(QStringLiteral("theme"), Theme::name(Theme::current()));
}

} // namespace PipeScope::Ui
