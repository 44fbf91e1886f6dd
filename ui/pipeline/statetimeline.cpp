#include "statetimeline.h"

#include "pipelinehistory.h"
#include "pipelinetimeaxis.h"
#include "stageactivitylook.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace PipeScope::Ui {

namespace {

constexpr double MaxRowHeight = 26;

} // namespace

StateTimeline::StateTimeline(const PipelineHistory *history, QWidget *parent)
    : QWidget(parent), m_history(history)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(QStringLiteral("State of every stage over time"));
    setMouseTracking(false);
}

void StateTimeline::setStageLabels(const QStringList &labels)
{
    if (labels == m_labels)
        return;
    m_labels = labels;
    updateGeometry();
    update();
}

double StateTimeline::minimumRowHeight() const
{
    return fontMetrics().height() + 2; // a row label must fit its row
}

QSize StateTimeline::sizeHint() const
{
    const int rows = std::max(3, int(m_labels.size()));
    return { 800, int(rows * MaxRowHeight) + fontMetrics().height() * 5 };
}

QSize StateTimeline::minimumSizeHint() const
{
    const int rows = std::max(3, int(m_labels.size()));
    return { 300, int(rows * minimumRowHeight()) + fontMetrics().height() * 5 };
}

QRectF StateTimeline::plotRect() const
{
    const int line = fontMetrics().height();
    // Title line on top; time labels and the legend (up to two lines) below.
    return QRectF(QPointF(PipelineTimeAxis::gutterWidth(fontMetrics()), line + 8),
                  QPointF(width() - 9, height() - 3.5 * line - 6));
}

double StateTimeline::rowHeight() const
{
    const int rows = std::max(1, m_history->stageCount());
    return std::clamp(plotRect().height() / rows, minimumRowHeight(), std::max(minimumRowHeight(), MaxRowHeight));
}

std::optional<int> StateTimeline::rowAt(double y) const
{
    const int row = int((y - plotRect().top()) / rowHeight());
    if (y < plotRect().top() || row >= m_history->stageCount())
        return std::nullopt;
    return row;
}

void StateTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QRectF area = QRectF(rect()).adjusted(0, 0, -1, -1);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(area);
    const QFontMetrics metrics = fontMetrics();
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QPointF(6, 4 + metrics.ascent()), QStringLiteral("What each stage is doing"));
    const QRectF plot = plotRect();
    if (plot.width() < 20 || plot.height() < minimumRowHeight())
        return;
    const PipelineTimeAxis axis(*m_history, QRectF(plot.topLeft(), QSizeF(plot.width(), rowHeight() * std::max(1, m_history->stageCount()))));
    axis.paintGrid(painter, palette(), true);
    for (int stage = 0; stage < m_history->stageCount(); ++stage) {
        const QRectF row(plot.left(), plot.top() + stage * rowHeight(), plot.width(), rowHeight());
        paintRow(painter, stage, row, axis);
    }
    const double legendTop = plot.top() + rowHeight() * std::max(1, m_history->stageCount()) + metrics.height() + 4;
    paintLegend(painter, QRectF(QPointF(6, legendTop), QPointF(area.right() - 6, area.bottom())));
}

void StateTimeline::paintRow(QPainter &painter, int stage, const QRectF &row, const PipelineTimeAxis &axis) const
{
    const QFontMetrics metrics = fontMetrics();
    painter.setPen(palette().color(QPalette::WindowText));
    const QString label = metrics.elidedText(m_labels.value(stage), Qt::ElideRight, int(row.left()) - 12);
    painter.drawText(QRectF(6, row.top(), row.left() - 12, row.height()), Qt::AlignVCenter | Qt::AlignLeft, label);
    const QRectF lane = row.adjusted(0, 1, 0, -1);
    for (const PipelineHistory::Band &band : m_history->bands(stage)) {
        if (band.end < axis.start() || band.activity == StageActivity::Exited)
            continue;
        const double left = std::max(lane.left(), axis.x(band.start));
        const QRectF box(QPointF(left, lane.top()), QPointF(std::max(left + 1, axis.x(band.end)), lane.bottom()));
        painter.fillRect(box, StageActivityLook::background(band.activity, palette()));
        painter.fillRect(box, StageActivityLook::pattern(band.activity));
        const QString word = StageActivityLook::look(band.activity).word;
        if (box.width() > metrics.horizontalAdvance(word) + 8 && box.height() >= metrics.height()) {
            const bool solid = StageActivityLook::pattern(band.activity).style() == Qt::SolidPattern;
            painter.fillRect(QRectF(box.left() + 2, box.center().y() - metrics.height() / 2.0,
                                    metrics.horizontalAdvance(word) + 4, metrics.height()),
                             solid ? Qt::transparent : palette().color(QPalette::Base));
            painter.setPen(solid ? QColor(Qt::white) : palette().color(QPalette::Text));
            painter.drawText(box.adjusted(4, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, word);
        }
    }
}

void StateTimeline::paintLegend(QPainter &painter, const QRectF &area) const
{
    const QFontMetrics metrics = fontMetrics();
    double x = area.left();
    double y = area.top();
    const double swatch = metrics.height() * 1.6;
    for (StageActivity activity : StageActivityLook::timelineActivities()) {
        const QString word = StageActivityLook::look(activity).word;
        const double width = swatch + 6 + metrics.horizontalAdvance(word) + 16;
        if (x + width > area.right() && x > area.left()) {
            x = area.left();
            y += metrics.height() + 2;
        }
        const QRectF box(x, y + 1, swatch, metrics.height() - 2);
        painter.fillRect(box, StageActivityLook::background(activity, palette()));
        painter.fillRect(box, StageActivityLook::pattern(activity));
        painter.setPen(QPen(StageActivityLook::color(activity), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(box);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QPointF(x + swatch + 6, y + metrics.ascent()), word);
        x += width;
    }
}

QString StateTimeline::describeAt(const QPoint &position) const
{
    const std::optional<int> stage = rowAt(position.y());
    const QRectF plot = plotRect();
    if (!stage || position.x() < plot.left() || position.x() > plot.right())
        return {};
    const PipelineTimeAxis axis(*m_history, plot);
    const double t = axis.timeAt(position.x());
    for (const PipelineHistory::Band &band : m_history->bands(*stage)) {
        if (band.start <= t && t <= band.end) {
            return QStringLiteral("%1: %2, %3 s – %4 s")
                    .arg(m_labels.value(*stage), StageActivityLook::look(band.activity).word)
                    .arg(band.start, 0, 'f', 1)
                    .arg(band.end, 0, 'f', 1);
        }
    }
    return {};
}

bool StateTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = describeAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace PipeScope::Ui
