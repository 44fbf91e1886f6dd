#pragma once
/// \file mainwindow.h
/// The PipeScope window: the Pipe Lab page (inspector) in a central tab widget, docks for the
/// endpoints, the data view and the event timeline (shown with the Lab page only, see
/// pagedocks.h), and a status bar with warnings.
///
/// One timer (refreshInterval(), 15 Hz by default) pulls snapshots from the lab and merges
/// them into the models and the visible widgets; nothing is updated per read(), and the GUI
/// thread never blocks on a pipe. Other pages (System, Lessons) join through addPage().

#include <pipescope/childprocess.h>

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

class QLabel;
class QMenu;
class QTabWidget;
class QToolBar;

namespace PipeScope {
class Lab;
class LabChild;
class LabPipe;
struct LabPipeSnapshot;
}

namespace PipeScope::Ui {

class DataPanel;
class EndpointsModel;
class EndpointsPanel;
class LiveLabel;
class MessageBar;
class PageDocks;
class PipeInspector;
class TimelinePanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    static constexpr int DefaultRefreshIntervalMs = 66;

    /// Creates its own Lab (empty; see Lab::addDemoPipe()).
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    Lab *lab() const { return m_lab; }
    /// Adds a page to the central tab widget (after the Lab page).
    void addPage(QWidget *page, const QString &title);
    QTabWidget *pages() const { return m_pages; }

    /// Menu actions without their dialogs; errors go to the message bar. nullptr on failure.
    LabPipe *newAnonymousPipe();
    LabPipe *newFifo(const QString &path, bool openReader, bool anyOwner = false);
    LabChild *newChild(const QString &commandLine, ChildProcess::Stream stderrMode = ChildProcess::Stream::Inherit);
    /// Opens a saved lab; before its child processes start, asks the user (ChildApproval)
    /// unless setTrustLabCommands(true).
    bool openLab(const QString &path);
    /// `pipescope --trust lab.json`: run a lab's children without asking (scripted demos).
    void setTrustLabCommands(bool trust) { m_trustLabCommands = trust; }
    bool saveLab(const QString &path);
    void removePipe(int id);
    void selectPipe(int id);
    LabPipe *selectedPipe() const;

    /// Hides (or shows again) the menu bar, the page tabs and the status bar: presentation
    /// mode gives the whole screen to the lesson.
    void setChromeHidden(bool hidden);

    /// Shows \a message in the message bar and the status bar (never a modal dialog).
    void showError(const QString &message);

    void setRefreshInterval(int ms);
    int refreshInterval() const { return m_refresh.interval(); }
    /// One refresh of models and widgets (the timer calls it).
    void refresh();

    EndpointsModel *endpointsModel() const { return m_endpointsModel; }
    EndpointsPanel *endpointsPanel() const { return m_endpoints; }
    PipeInspector *inspector() const { return m_inspector; }
    DataPanel *dataPanel() const { return m_data; }
    TimelinePanel *timelinePanel() const { return m_timeline; }
    MessageBar *messageBar() const { return m_message; }
    /// How long an error or a note ("Saved lab.pipelab") stays in the status bar.
    static constexpr int StatusNoteMs = 10000;
    /// The status bar's warning, empty when all is well.
    QString warningText() const;
    /// The one message the status bar shows: a recent error or note, else the warning.
    QString statusLine() const;
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createDocks();
    void createMenus();
    void createPipeMenu();
    void createStatusBar();
    void restoreSettings();
    void fitToScreen();
    void updateTitle();
    void createThemeMenu(QMenu *view);
    void showStatusLine();
    void showStatusNote(const QString &text);
    void saveSettings() const;
    void onPipeAdded(LabPipe *pipe);
    void onPipeSelected(int id);
    void updateStatusBar(const QList<LabPipeSnapshot> &snapshots);
    void askNewFifo();
    void askNewChild(const QString &preset);
    void askOpenLab();
    void askSaveLab();
    void togglePause();

    Lab *m_lab;
    bool m_trustLabCommands = false;
    QTimer m_refresh;
    QTabWidget *m_pages;
    QToolBar *m_toolBar = nullptr;
    PageDocks *m_labBars = nullptr; ///< the docks and the toolbar, shown on the Lab page only
    MessageBar *m_message;
    EndpointsModel *m_endpointsModel;
    EndpointsPanel *m_endpoints = nullptr;
    PipeInspector *m_inspector;
    DataPanel *m_data = nullptr;
    TimelinePanel *m_timeline = nullptr;
    LiveLabel *m_pipeCount = nullptr;
    LiveLabel *m_throughput = nullptr;
    QLabel *m_warning = nullptr; ///< the status line (see statusLine())
    QString m_warningText;
    QString m_note;
    QTimer m_noteTimer;
    bool m_fittedOnShow = false;
    QTimer m_soon; ///< one refresh soon after pipes were added, however many
    int m_pendingSelection = -1;
    QString m_lastDirectory;
    QString m_lastCommand;
    ChildProcess::Stream m_lastStderrMode = ChildProcess::Stream::Pipe;
};

} // namespace PipeScope::Ui
