#include "pipelinetimeaxis.h"

#include "pipelinehistory.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPalette>

#include <algorithm>
#include <cmath>

namespace PipeScope::Ui {

int PipelineTimeAxis::gutterWidth(const QFontMetrics &metrics)
{
    return metrics.horizontalAdvance(QStringLiteral("999.9 MiB/s ")) + 8;
}

PipelineTimeAxis::PipelineTimeAxis(const PipelineHistory &history, const QRectF &plot)
    : m_plot(plot), m_start(history.visibleStart()), m_end(history.visibleEnd())
{
}

double PipelineTimeAxis::x(double t) const
{
    return m_plot.left() + m_plot.width() * (t - m_start) / (m_end - m_start);
}

double PipelineTimeAxis::timeAt(double x) const
{
    return m_start + (x - m_plot.left()) / m_plot.width() * (m_end - m_start);
}

double PipelineTimeAxis::tickStep() const
{
    // About one tick per 80 px, on a 1-2-5 scale of seconds.
    const double wanted = (m_end - m_start) * 80 / std::max(1.0, m_plot.width());
    for (double step : { 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0 }) {
        if (step >= wanted)
            return step;
    }
    return 600;
}

void PipelineTimeAxis::paintGrid(QPainter &painter, const QPalette &palette, bool labels) const
{
    const double step = tickStep();
    const QFontMetrics metrics = painter.fontMetrics();
    for (double t = std::ceil(m_start / step) * step; t <= m_end + 1e-9; t += step) {
        const double px = x(t);
        painter.setPen(QPen(palette.color(QPalette::Midlight), 1, Qt::DotLine));
        painter.drawLine(QPointF(px, m_plot.top()), QPointF(px, m_plot.bottom()));
        if (!labels)
            continue;
        const QString text = QStringLiteral("%1 s").arg(t, 0, 'f', step < 1 ? 1 : 0);
        const double width = metrics.horizontalAdvance(text);
        painter.setPen(palette.color(QPalette::PlaceholderText));
        // Centred under its line, but kept inside the plot's width (the last label is at the edge).
        const double left = std::clamp(px - width / 2, m_plot.left() - width / 2, m_plot.right() - width);
        painter.drawText(QPointF(left, m_plot.bottom() + metrics.ascent() + 2), text);
    }
}

} // namespace PipeScope::Ui
