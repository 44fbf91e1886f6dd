// MainWindow's menus, its toolbar's actions, the dialogs behind them and what they do to the
// lab (mainwindow.cpp holds the window itself: pages, docks, refresh, settings).
#include "mainwindow.h"

#include "childapproval.h"
#include "childdialog.h"
#include "pipeinspector.h"
#include "fifodialog.h"
#include "theme.h"

#include <pipescope/lab.h>
#include <pipescope/labchild.h>
#include <pipescope/labpipe.h>

#include <QActionGroup>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QToolBar>

namespace PipeScope::Ui {

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("&Open lab…"), QKeySequence::Open, this, &MainWindow::askOpenLab);
    file->addAction(QStringLiteral("&Save lab…"), QKeySequence::Save, this, &MainWindow::askSaveLab);
    file->addSeparator();
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    createPipeMenu();
    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    createThemeMenu(view);
    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About PipeScope"), this, [this] {
        QMessageBox::about(this, QStringLiteral("About PipeScope"),
                           QStringLiteral("<h3>PipeScope %1</h3><p>A visual debugger for UNIX pipes: "
                                          "live endpoints, the bytes in the kernel and in the "
                                          "transports, and each reader's state — on real pipes.</p>")
                                   .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::createThemeMenu(QMenu *view)
{
    QMenu *menu = view->addMenu(QStringLiteral("&Theme"));
    menu->setObjectName(QStringLiteral("themeMenu"));
    auto *group = new QActionGroup(menu);
    for (Theme::Kind kind : { Theme::Kind::System, Theme::Kind::Light, Theme::Kind::Dark,
                              Theme::Kind::HighContrast }) {
        QAction *action = menu->addAction(Theme::title(kind), this, [kind] { Theme::apply(kind); });
        action->setObjectName(QStringLiteral("theme-") + Theme::name(kind));
        action->setCheckable(true);
        action->setChecked(kind == Theme::current());
        group->addAction(action);
    }
    connect(menu, &QMenu::aboutToShow, menu, [menu] { // another window may have changed it
        for (QAction *action : menu->actions())
            action->setChecked(action->objectName() == QStringLiteral("theme-") + Theme::name(Theme::current()));
    });
}

void MainWindow::createPipeMenu()
{
    QMenu *pipe = menuBar()->addMenu(QStringLiteral("&Pipe"));
    QAction *anonymous = pipe->addAction(QStringLiteral("New &pipe"), QKeySequence::New, this, [this] { newAnonymousPipe(); });
    anonymous->setToolTip(QStringLiteral("A new anonymous pipe (pipe2) with a writer and a reader in the lab."));
    QAction *fifo = pipe->addAction(QStringLiteral("New &FIFO…"), this, &MainWindow::askNewFifo);
    QMenu *children = pipe->addMenu(QStringLiteral("New &child process"));
    children->addAction(QStringLiteral("cat…"), this, [this] { askNewChild(QStringLiteral("cat")); });
    children->addAction(QStringLiteral("gzip -c…"), this, [this] { askNewChild(QStringLiteral("gzip -c")); });
    children->addAction(QStringLiteral("Other command…"), this, [this] { askNewChild({}); });
    pipe->addSeparator();
    QAction *pause = pipe->addAction(QStringLiteral("Pause / resume &reading"), this, &MainWindow::togglePause);
    // Space where the focused control does nothing with it (FocusedControlKeys keeps it for
    // buttons, lists, text...); F8, as in debuggers, whatever has the focus.
    const QList<QKeySequence> pauseKeys = { QKeySequence(Qt::Key_Space), QKeySequence(Qt::Key_F8) };
    pause->setShortcuts(pauseKeys);
    pause->setShortcutContext(Qt::WindowShortcut);
    // On the other pages Space belongs to their buttons ("Run step"), not to the Lab's pipe.
    connect(m_pages, &QTabWidget::currentChanged, pause, [pause, pauseKeys](int index) {
        pause->setShortcuts(index == 0 ? pauseKeys : QList<QKeySequence>()); // 0: the Lab
    });
    pipe->addAction(QStringLiteral("&Remove pipe"), QKeySequence::Delete, this, [this] {
        if (LabPipe *selected = selectedPipe())
            removePipe(selected->id());
    });

    m_toolBar->addAction(anonymous);
    m_toolBar->addAction(fifo);
    m_toolBar->addAction(QStringLiteral("New child process…"), this, [this] { askNewChild({}); });
    m_toolBar->addSeparator();
    m_toolBar->addAction(pause);
}

void MainWindow::askNewFifo()
{
    FifoDialog dialog(FifoDialog::suggestedPath(), this);
    if (dialog.exec() == QDialog::Accepted)
        newFifo(dialog.path(), dialog.openReader(), dialog.anyOwner());
}

void MainWindow::askNewChild(const QString &preset)
{
    QStringList commands = { m_lastCommand, QStringLiteral("cat"), QStringLiteral("gzip -c"),
                             QStringLiteral("tr a-z A-Z"), QStringLiteral("sha256sum") };
    if (!preset.isEmpty())
        commands.prepend(preset);
    commands.removeDuplicates();
    ChildDialog dialog(commands, this);
    dialog.setStderrMode(m_lastStderrMode);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_lastStderrMode = dialog.stderrMode();
    newChild(dialog.commandLine(), dialog.stderrMode());
}

void MainWindow::askOpenLab()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open lab"), m_lastDirectory,
                                                      QStringLiteral("PipeScope labs (*.pipelab *.json);;All files (*)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    openLab(path);
}

void MainWindow::askSaveLab()
{
    QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save lab"),
                                                QDir(m_lastDirectory).filePath(QStringLiteral("lab.pipelab")),
                                                QStringLiteral("PipeScope labs (*.pipelab *.json)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    saveLab(path);
}

LabPipe *MainWindow::newAnonymousPipe()
{
    PipeScope::Error error;
    LabPipe *pipe = m_lab->addAnonymousPipe({}, &error);
    if (!pipe)
        showError(QStringLiteral("New pipe: %1").arg(error.message()));
    else
        refresh(); // selects it now, not on the next timer tick
    return pipe;
}

LabPipe *MainWindow::newFifo(const QString &path, bool openReader, bool anyOwner)
{
    PipeScope::Error error;
    LabPipe *pipe = m_lab->addFifo(path, openReader, &error, anyOwner);
    if (!pipe)
        showError(QStringLiteral("New FIFO: %1").arg(error.message()));
    else
        refresh();
    return pipe;
}

LabChild *MainWindow::newChild(const QString &commandLine, ChildProcess::Stream stderrMode)
{
    PipeScope::Error error;
    LabChild *child = m_lab->addChild(commandLine, stderrMode, &error);
    if (!child) {
        showError(QStringLiteral("New child process: %1").arg(error.message()));
        return nullptr;
    }
    m_lastCommand = commandLine;
    refresh();
    return child;
}

void MainWindow::removePipe(int id)
{
    m_lab->removePipe(id);
}

bool MainWindow::openLab(const QString &path)
{
    PipeScope::Error error;
    // A lab file may come from anyone: its commands run only once the user has read them.
    const bool ok = m_lab->load(path, &error, [this, path](const QStringList &commandLines) {
        return m_trustLabCommands || ChildApproval::ask(this, path, commandLines);
    });
    if (!ok)
        showError(QStringLiteral("Open lab %1: %2").arg(path, error.message()));
    else
        setWindowFilePath(path);
    updateTitle();
    refresh();
    if (!m_inspector->pipe() && !m_lab->pipes().isEmpty())
        selectPipe(m_lab->pipes().constFirst()->id());
    return ok;
}

bool MainWindow::saveLab(const QString &path)
{
    PipeScope::Error error;
    if (!m_lab->save(path, &error)) {
        showError(QStringLiteral("Save lab: %1").arg(error.message()));
        return false;
    }
    setWindowFilePath(path);
    updateTitle();
    showStatusNote(QStringLiteral("Saved %1").arg(path));
    return true;
}

} // namespace PipeScope::Ui
