#include "endpointspanel.h"

#include "cachedtextdelegate.h"
#include "endpointsmodel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

namespace PipeScope::Ui {

EndpointsPanel::EndpointsPanel(EndpointsModel *model, QWidget *parent)
    : QWidget(parent),
      m_model(model),
      m_proxy(new QSortFilterProxyModel(this)),
      m_view(new QTreeView(this)),
      m_filter(new QLineEdit(this))
{
    m_proxy->setSourceModel(model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setPlaceholderText(QStringLiteral("Filter pipes and ends (name, kind, state)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(QStringLiteral("Filter endpoints"));
    m_view->setAccessibleName(QStringLiteral("Endpoints"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    // Connected before the view's selection model is: when the current row leaves the proxy
    // (the filter hides it) that model makes a neighbour current, or, for an end whose pipe
    // goes, drops it without a word; either way the inspector would show the wrong pipe.
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this, &EndpointsPanel::onRowsLeaving);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new CachedTextDelegate(m_view));
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(EndpointsModel::NameColumn, QHeaderView::Stretch);
    // Fixed widths from the widest usual texts, so columns do not jump as values change.
    const QFontMetrics metrics = m_view->fontMetrics();
    const int pad = 14;
    m_view->setColumnWidth(EndpointsModel::StateColumn,
                           metrics.horizontalAdvance(QStringLiteral("writing paused")) + 16 + pad + 6);
    m_view->setColumnWidth(EndpointsModel::BufferedColumn,
                           metrics.horizontalAdvance(QStringLiteral("99.9 KiB / 64 KiB")) + pad);
    m_view->setColumnWidth(EndpointsModel::RateColumn,
                           metrics.horizontalAdvance(QStringLiteral("999 KiB/s")) + pad);
    m_view->header()->setMinimumSectionSize(metrics.horizontalAdvance(QStringLiteral("reader")) + 2 * pad);
    m_view->setColumnHidden(EndpointsModel::KindColumn, true);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                Q_EMIT pipeSelected(current.isValid() ? current.data(EndpointsModel::PipeIdRole).toInt() : -1);
            });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &EndpointsPanel::onRowsInserted);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void EndpointsPanel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    // New pipes open with their two ends visible: that is what the list is for.
    if (parent.isValid())
        return;
    for (int row = first; row <= last; ++row)
        m_view->expand(m_proxy->index(row, 0));
}

void EndpointsPanel::onRowsLeaving(const QModelIndex &parent, int first, int last)
{
    const QModelIndex current = m_view->currentIndex();
    for (QModelIndex row = current; row.isValid(); row = row.parent()) {
        if (row.parent() != parent || row.row() < first || row.row() > last)
            continue;
        // Only an end goes and its pipe stays: the pipe stays selected. Else nothing is.
        if (row == current && parent.isValid())
            m_view->setCurrentIndex(parent);
        else
            m_view->selectionModel()->clear(); // emits pipeSelected(-1)
        return;
    }
}

void EndpointsPanel::selectPipe(int id)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexOfPipe(id));
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
}

int EndpointsPanel::selectedPipe() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(EndpointsModel::PipeIdRole).toInt() : -1;
}

} // namespace PipeScope::Ui
