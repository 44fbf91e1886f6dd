#pragma once
/// \file systempage.h
/// The System page: every pipe on the machine we may inspect, as a live endpoint graph and a
/// filterable table, with an inspector for the selected pipe (kernel buffer gauge, a peek as
/// hex and text, endpoints, diagnostics) and "Pause this reader" (SIGSTOP of its process).
///
/// A view, not a controller: a SystemMonitor (its own, or one handed in) scans on its worker
/// thread while the page is shown, and the page shows each update it delivers. The page tells
/// the monitor which pipes are on screen (visible table rows, gauges inside the graph's
/// viewport, the selected pipe), and only those get their fill level probed, as the
/// explorer's cost model asks. The selected pipe is the monitor's focus: re-probed faster, with
/// a peek, so its gauge is live. Pausing a reader goes through ProcessControl. Processes we
/// may not inspect are counted with what would grant access.

#include <pipescope/systemmonitor.h>

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace PipeScope::Ui {

class EndpointGraph;
class HexView;
class KernelBufferGauge;
class SystemPipesModel;

class SystemPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int DefaultScanIntervalMs = 1000;
    static constexpr int InspectorIntervalMs = 250;

    /// \a procRoot: where procfs is (tests may pass another tree). With \a monitor the page
    /// shows that monitor's updates (and starts/stops it with its visibility); else its own.
    explicit SystemPage(QWidget *parent = nullptr, const QString &procRoot = QStringLiteral("/proc"),
                        SystemMonitor *monitor = nullptr);

    /// A scan now, shown when the monitor delivers it (snapshotShown()).
    void refreshNow();
    SystemMonitor *monitor() const { return m_monitor; }
    /// GUI-thread time the last update took to show (model, graph, inspector), in ns.
    qint64 lastShowNs() const { return m_lastShowNs; }
    /// Selects the pipe on \a pid's lowest fd and centers the graph on the process; kept
    /// across scans, and applied once the process shows up (for `pipescope --pid PID`).
    void followPid(qint64 pid);
    /// Shows only the pipes \a pid holds or is opening (table and graph), as `list --pid`
    /// does, with an "only PID N ×" chip in the toolbar that turns it off; \a pid <= 0 shows
    /// everything again.
    void setPidFilter(qint64 pid);
    qint64 pidFilter() const { return m_onlyPid; }
    /// The context menus' "Only PID N" for the selected pipe's first holder.
    QAction *onlyHolderAction() const { return m_onlyHolder; }
    void selectPipe(const QString &key);
    /// Selects \a key after the next scan, turning on "Self-pipes too" if that is what shows
    /// it (a lesson's pipe that only PipeScope holds).
    void revealPipe(const QString &key);
    QString selectedPipe() const { return m_selected; }
    void setScanInterval(int ms);
    int scanInterval() const;

    /// SIGSTOP / SIGCONT (ProcessControl) of the selected pipe's first reader process; false
    /// (and errorOccurred) if there is none or the signal fails.
    bool pauseReader();
    bool resumeReader();
    /// The inspector's text from the latest scan, and a probe of the selected pipe (its gauge
    /// and peek follow when the monitor delivers it).
    void refreshInspector();

    SystemPipesModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    EndpointGraph *graph() const { return m_graph; }
    KernelBufferGauge *gauge() const { return m_gauge; }
    HexView *peekView() const { return m_peek; }
    QLabel *inspectorText() const { return m_details; }
    QLabel *permissionText() const { return m_permissions; }
    QLabel *statusText() const { return m_status; }
    QLineEdit *filterEdit() const { return m_filter; }
    QCheckBox *showAllBox() const { return m_showAll; }
    QPushButton *pauseButton() const { return m_pause; }
    QToolButton *pidFilterChip() const { return m_pidChip; }

Q_SIGNALS:
    void errorOccurred(const QString &message);
    /// An update of the monitor was shown.
    void snapshotShown();
    /// "Meter this pipeline" on the selected pipe: \a pid holds one of its ends.
    void meterPipelineRequested(qint64 pid);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *createToolbar();
    QWidget *createInspector();
    PipeInterest onScreen() const;
    void showUpdate(const MonitorUpdate &update);
    void showSnapshot(const SystemSnapshot &snapshot);
    void showProbe(const PipeKey &key, const SafeProbeResult &result);
    void updateFocus();
    void updateGraph();
    void updatePermissions(const SystemSnapshot &snapshot);
    void onCurrentRowChanged();
    void onRowsLeaving(int first, int last);
    void clearSelection();
    void applyFollow(bool select);
    qint64 readerPid(bool stopped) const;
    bool signalReader(bool stop);

    SystemMonitor *m_monitor;
    qint64 m_lastShowNs = 0;
    QString m_selected;
    QString m_reveal; ///< revealPipe()'s key, applied when the next update is shown
    qint64 m_followPid = -1;
    qint64 m_onlyPid = -1; ///< setPidFilter()
    SystemPipesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table = nullptr;
    EndpointGraph *m_graph = nullptr;
    KernelBufferGauge *m_gauge = nullptr;
    HexView *m_peek = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_permissions = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_filter = nullptr;
    QCheckBox *m_showAll = nullptr;
    QPushButton *m_pause = nullptr;
    QToolButton *m_pidChip = nullptr;
    class QAction *m_meter = nullptr; ///< "Meter this pipeline": in the inspector and context menus
    class QAction *m_onlyHolder = nullptr; ///< "Only PID N": setPidFilter() from the context menus
};

} // namespace PipeScope::Ui
