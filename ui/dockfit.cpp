#include "dockfit.h"

#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QScrollArea>
#include <QScrollBar>

#include <algorithm>

namespace PipeScope::Ui {

DockFit::DockFit(QMainWindow *window, QScrollArea *page, const QList<QDockWidget *> &docks)
    : QObject(window), m_window(window), m_page(page)
{
    for (QDockWidget *dock : docks)
        m_docks << dock;
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, &DockFit::fit);
    page->installEventFilter(this);
}

int DockFit::neededWidth(const QScrollArea *page)
{
    if (!page->widget())
        return 0;
    // The vertical bar is counted even while hidden: the page may grow taller than the window.
    return page->widget()->minimumSizeHint().width() + 2 * page->frameWidth()
            + page->verticalScrollBar()->sizeHint().width();
}

bool DockFit::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_page && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        m_soon.start();
    return QObject::eventFilter(watched, event);
}

void DockFit::fit()
{
    int missing = neededWidth(m_page) - m_page->width();
    if (missing <= 0 || !m_page->isVisible())
        return;
    QList<QDockWidget *> docks;
    QList<int> widths;
    for (const QPointer<QDockWidget> &dock : std::as_const(m_docks)) {
        if (!dock || dock->isFloating() || !dock->isVisible())
            continue;
        const Qt::DockWidgetArea area = m_window->dockWidgetArea(dock);
        if (area != Qt::LeftDockWidgetArea && area != Qt::RightDockWidgetArea)
            continue;
        const int width = std::max(dock->minimumSizeHint().width(), dock->width() - missing);
        missing -= dock->width() - width;
        docks << dock;
        widths << width;
    }
    if (!docks.isEmpty())
        m_window->resizeDocks(docks, widths, Qt::Horizontal);
}

} // namespace PipeScope::Ui
