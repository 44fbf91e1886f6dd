#pragma once
/// \file pagedocks.h
/// Docks that belong to one page of a QTabWidget: the Pipe Lab's Endpoints, Data and Timeline
/// docks say nothing about the System or Lessons pages, and there they only take room. While
/// another page is current the docks are hidden; when their page returns each dock comes back
/// as it was (one the user had closed stays closed).

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

class QDockWidget;
class QTabWidget;

namespace PipeScope::Ui {

class PageDocks : public QObject
{
    Q_OBJECT
public:
    PageDocks(QTabWidget *pages, QWidget *page, const QList<QDockWidget *> &docks,
              QObject *parent = nullptr);

    /// Puts the docks back as they were on their page (e.g. before QMainWindow::saveState(),
    /// so the saved layout is the page's own). Does nothing while the page is current.
    void restore();

private:
    void onCurrentChanged(int index);

    QTabWidget *m_pages;
    QPointer<QWidget> m_page;
    QList<QPointer<QDockWidget>> m_docks;
    QHash<QDockWidget *, bool> m_wasVisible; ///< filled while another page is current
};

} // namespace PipeScope::Ui
