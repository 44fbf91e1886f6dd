#include "pagedocks.h"

#include <QDockWidget>
#include <QTabWidget>
#include <QToolBar>

namespace PipeScope::Ui {

namespace {

bool isFloating(const QWidget *bar)
{
    if (const auto *dock = qobject_cast<const QDockWidget *>(bar))
        return dock->isFloating();
    if (const auto *toolBar = qobject_cast<const QToolBar *>(bar))
        return toolBar->isFloating();
    return false;
}

} // namespace

PageDocks::PageDocks(QTabWidget *pages, QWidget *page, const QList<QWidget *> &bars, QObject *parent)
    : QObject(parent), m_pages(pages), m_page(page)
{
    for (QWidget *bar : bars)
        m_bars << bar;
    connect(pages, &QTabWidget::currentChanged, this, &PageDocks::onCurrentChanged);
}

void PageDocks::restore()
{
    for (const QPointer<QWidget> &bar : std::as_const(m_bars)) {
        if (bar && m_wasVisible.contains(bar))
            bar->setVisible(m_wasVisible.value(bar));
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
        return; // already hidden for another page; a bar shown meanwhile was the user's choice
    for (const QPointer<QWidget> &bar : std::as_const(m_bars)) {
        if (!bar || isFloating(bar))
            continue;
        m_wasVisible.insert(bar, bar->isVisibleTo(bar->parentWidget()));
        bar->hide();
    }
}

} // namespace PipeScope::Ui
