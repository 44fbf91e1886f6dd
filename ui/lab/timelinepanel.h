#pragma once
/// \file timelinepanel.h
/// The Event timeline dock: the lab's events in a table, filtered by text and by pipe,
/// exported as JSON lines or CSV.

#include <pipescope/error.h>

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLineEdit;
class QTableView;

namespace PipeScope {
class LabEventLog;
}

namespace PipeScope::Ui {

class EventLogModel;
class TimelineFilterModel;

class TimelinePanel : public QWidget
{
    Q_OBJECT
public:
    explicit TimelinePanel(LabEventLog *log, QWidget *parent = nullptr);

    /// Pulls new events into the model (on the window's timer).
    void refresh();
    /// With "only the selected pipe" checked, shows only pipe \a id's events.
    void setSelectedPipe(int id);
    bool exportTo(const QString &path, bool csv, PipeScope::Error *error) const;

    EventLogModel *model() const { return m_model; }
    TimelineFilterModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QCheckBox *selectedOnlyBox() const { return m_selectedOnly; }

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    void exportWithDialog(bool csv);
    void applyPipeFilter();

    QPointer<LabEventLog> m_log;
    EventLogModel *m_model;
    TimelineFilterModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
    QCheckBox *m_selectedOnly;
    int m_selectedPipe = -1;
};

} // namespace PipeScope::Ui
