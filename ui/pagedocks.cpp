#include "pagedocks.h"

#include <QDockWidget>
#include <QTabWidget>

namespace PipeScope::Ui {

PageDocks::PageDocks(QTabWidget *pages, QWidget *page, const QList<QDockWidget *> &docks,
                     QObject *parent)
    : QObject(parent), m_pages(pages), m_page(page)
{
    for (QDockWidget *dock : docks)
        m_docks << dock;
    connect(pages, &QTabWidget::currentChanged, this, &PageDocks::onCurrentChanged);
}

void PageDocks::restore()
{
    for (const QPointer<QDockWidget> &dock : std::as_const(m_docks)) {
        if (dock && m_wasVisible.contains(dock))
            dock->setVisible(m_wasVisible.value(dock));
    }
    m_wasVisible.clear();
}

void PageDocks::onCurrentChanged(int index)
{
    if (m_pages->widget(index) == m_page) {
        restore();
        return;
    }
    if (!m_wasVisible.isEmpty())
        return; // already hidden for another page; a dock shown meanwhile was the user's choice
    for (const QPointer<QDockWidget> &dock : std::as_const(m_docks)) {
        if (!dock || dock->isFloating())
            continue; // a floating dock is out of the page's way
        m_wasVisible.insert(dock, dock->isVisibleTo(dock->parentWidget()));
        dock->hide();
    }
}

} // namespace PipeScope::Ui
