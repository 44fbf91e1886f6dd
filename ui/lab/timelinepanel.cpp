#include "timelinepanel.h"

#include "cachedtextdelegate.h"
#include "eventlogmodel.h"
#include "timelinefiltermodel.h"

#include <pipescope/labeventlog.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

namespace PipeScope::Ui {

TimelinePanel::TimelinePanel(LabEventLog *log, QWidget *parent)
    : QWidget(parent),
      m_log(log),
      m_model(new EventLogModel(log, this)),
      m_proxy(new TimelineFilterModel(this)),
      m_view(new QTableView(this)),
      m_filter(new QLineEdit(this)),
      m_selectedOnly(new QCheckBox(QStringLiteral("Selected pipe only"), this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setPlaceholderText(QStringLiteral("Filter events (e.g. paused, EPIPE, demo)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(QStringLiteral("Filter events"));
    m_view->setAccessibleName(QStringLiteral("Event timeline"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_selectedOnly, &QCheckBox::toggled, this, &TimelinePanel::applyPipeFilter);

    auto *json = new QPushButton(QStringLiteral("Export JSON lines…"), this);
    auto *csv = new QPushButton(QStringLiteral("Export CSV…"), this);
    connect(json, &QPushButton::clicked, this, [this] { exportWithDialog(false); });
    connect(csv, &QPushButton::clicked, this, [this] { exportWithDialog(true); });

    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new CachedTextDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    const int digit = m_view->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_view->setColumnWidth(EventLogModel::TimeColumn, digit * 10);
    m_view->setColumnWidth(EventLogModel::PipeColumn, digit * 14);
    m_view->setColumnWidth(EventLogModel::EndColumn, digit * 8);
    m_view->setColumnWidth(EventLogModel::EventColumn, digit * 18);

    auto *header = new QHBoxLayout;
    header->addWidget(m_filter, 1);
    header->addWidget(m_selectedOnly);
    header->addWidget(json);
    header->addWidget(csv);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
}

void TimelinePanel::refresh()
{
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool follow = bar->value() >= bar->maximum() - 1;
    m_model->refresh();
    if (follow)
        m_view->scrollToBottom();
}

void TimelinePanel::setSelectedPipe(int id)
{
    m_selectedPipe = id;
    applyPipeFilter();
}

void TimelinePanel::applyPipeFilter()
{
    m_proxy->setPipeId(m_selectedOnly->isChecked() ? m_selectedPipe : -1);
}

bool TimelinePanel::exportTo(const QString &path, bool csv, PipeScope::Error *error) const
{
    if (!m_log) {
        if (error)
            *error = PipeScope::Error(QStringLiteral("no event log"));
        return false;
    }
    m_log->flush();
    return m_log->exportTo(path, csv, error);
}

void TimelinePanel::exportWithDialog(bool csv)
{
    const QString path = QFileDialog::getSaveFileName(
            this, csv ? QStringLiteral("Export timeline as CSV") : QStringLiteral("Export timeline as JSON lines"),
            csv ? QStringLiteral("pipescope-timeline.csv") : QStringLiteral("pipescope-timeline.jsonl"),
            csv ? QStringLiteral("CSV (*.csv)") : QStringLiteral("JSON lines (*.jsonl *.json)"));
    if (path.isEmpty())
        return;
    PipeScope::Error error;
    if (!exportTo(path, csv, &error))
        Q_EMIT errorOccurred(QStringLiteral("Export timeline: %1").arg(error.message()));
}

} // namespace PipeScope::Ui
