#pragma once
/// \file pagedocks.h
/// Docks and toolbars that belong to one page of a QTabWidget: the Pipe Lab's Endpoints, Data
/// and Timeline docks and its toolbar say nothing about the System or Lessons pages, and there
/// they only take room. While another page is current they are hidden; when their page
/// returns each comes back as it was (one the user had closed stays closed).

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

class QTabWidget;

namespace PipeScope::Ui {

class PageDocks : public QObject
{
    Q_OBJECT
public:
    /// \a bars: QDockWidgets and QToolBars (a floating one is left alone: it is out of the way).
    PageDocks(QTabWidget *pages, QWidget *page, const QList<QWidget *> &bars, QObject *parent = nullptr);

    /// Puts the docks back as they were on their page (e.g. before QMainWindow::saveState(),
    /// so the saved layout is the page's own). Does nothing while the page is current.
    void restore();

private:
    void onCurrentChanged(int index);

    QTabWidget *m_pages;
    QPointer<QWidget> m_page;
    QList<QPointer<QWidget>> m_bars;
    QHash<QWidget *, bool> m_wasVisible; ///< filled while another page is current
};

} // namespace PipeScope::Ui
