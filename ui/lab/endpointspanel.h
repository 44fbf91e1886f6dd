#pragma once
/// \file endpointspanel.h
/// The Endpoints dock: a filter line over the EndpointsModel tree.

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace PipeScope::Ui {

class EndpointsModel;

class EndpointsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EndpointsPanel(EndpointsModel *model, QWidget *parent = nullptr);

    /// Makes pipe \a id the current row (the inspector follows through pipeSelected).
    void selectPipe(int id);
    int selectedPipe() const;

    QTreeView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }

Q_SIGNALS:
    /// The current row moved to pipe \a id (or one of its ends); -1 for none.
    void pipeSelected(int id);

private:
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsLeaving(const QModelIndex &parent, int first, int last);

    EndpointsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTreeView *m_view;
    QLineEdit *m_filter;
};

} // namespace PipeScope::Ui
