#pragma once
/// \file systempage.h
/// The System page: every pipe on the machine we may inspect, as a live endpoint graph and a
/// filterable table, with an inspector for the selected pipe (kernel buffer gauge, a peek as
/// hex and text, endpoints, diagnostics) and "Pause this reader" (SIGSTOP of its process).
///
/// Scans run on a timer only while the page is shown. Each scan lists endpoints and states for
/// the whole system but probes fill levels only for the pipes on screen (visible table rows,
/// gauges inside the graph's viewport, the selected pipe), as the explorer's cost model asks
/// (kernel-facts §7). The selected pipe alone is re-probed faster, so its gauge is live.
/// Processes we may not inspect are counted with what would grant access.

#include <pipescope/procscanner.h>
#include <pipescope/snapshottracker.h>

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

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

    /// \a procRoot: where procfs is (tests may pass another tree).
    explicit SystemPage(QWidget *parent = nullptr, const QString &procRoot = QStringLiteral("/proc"));

    /// One scan now (the timer calls it while the page is visible).
    void refreshNow();
    /// Selects the pipe on \a pid's lowest fd and centers the graph on the process; kept
    /// across scans, and applied once the process shows up (for `pipescope --pid PID`).
    void followPid(qint64 pid);
    void selectPipe(const QString &key);
    /// Scans now and selects \a key, turning on "Self-pipes too" if that is what shows it
    /// (a lesson's pipe that only PipeScope holds).
    void revealPipe(const QString &key);
    QString selectedPipe() const { return m_selected; }
    void setScanInterval(int ms);
    int scanInterval() const { return m_scanTimer.interval(); }

    /// SIGSTOP / SIGCONT of the selected pipe's first reader process; false (and
    /// errorOccurred) if there is none or the signal fails.
    bool pauseReader();
    bool resumeReader();
    /// Re-probes the selected pipe: gauge, peek, inspector text (the fast timer calls it).
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

Q_SIGNALS:
    void errorOccurred(const QString &message);
    /// "Meter this pipeline" on the selected pipe: \a pid holds one of its ends.
    void meterPipelineRequested(qint64 pid);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *createToolbar();
    QWidget *createInspector();
    QList<PipeKey> onScreen(const SystemSnapshot &snapshot) const;
    void showSnapshot(const SystemSnapshot &snapshot);
    void updateGraph();
    void updatePermissions(const SystemSnapshot &snapshot);
    void onCurrentRowChanged();
    void applyFollow(bool select);
    qint64 readerPid(bool stopped) const;
    bool signalReader(bool stop);

    ProcScanner m_scanner;
    SnapshotTracker m_tracker;
    QTimer m_scanTimer;
    QTimer m_inspectTimer;
    QString m_selected;
    qint64 m_followPid = -1;
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
    class QAction *m_meter = nullptr; ///< "Meter this pipeline": in the inspector and context menus
};

} // namespace PipeScope::Ui
