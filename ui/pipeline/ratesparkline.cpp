#include "ratesparkline.h"

#include "pipelinehistory.h"
#include "statepresentation.h"
#include "throughputchart.h"

#include <QFontMetricsF>
#include <QPainter>

namespace PipeScope::Ui {

RateSparkline::RateSparkline(const PipelineHistory *history, int pipe, QWidget *parent)
    : QWidget(parent), m_history(history), m_pipe(pipe)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(QStringLiteral("Rate of this pipe over the last %1 s (the chart below shows the whole run).")
                       .arg(Seconds));
}

QSize RateSparkline::sizeHint() const
{
    return { 120, fontMetrics().height() * 3 };
}

QSize RateSparkline::minimumSizeHint() const
{
    return { 60, fontMetrics().height() * 3 };
}

void RateSparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(area);
    if (m_pipe >= m_history->pipeCount() || m_history->isEmpty())
        return;
    const auto &points = m_history->rates(m_pipe);
    const double to = m_history->lastTime();
    const double from = std::max(m_history->visibleStart(), to - Seconds);
    if (to - from <= 0)
        return;
    double peak = 0;
    for (auto it = points.rbegin(); it != points.rend() && it->t >= from; ++it)
        peak = std::max(peak, it->rate);
    if (peak <= 0)
        return;
    // The peak's words on the top line, the curve below them: they never cross.
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    painter.setFont(small);
    const double textHeight = QFontMetricsF(small).height();
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(area.adjusted(3, 0, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                     QStringLiteral("peak %1").arg(formatRate(peak)));
    painter.setPen(ThroughputChart::seriesPen(m_pipe, 1.5));
    painter.drawPath(ThroughputChart::ratePath(points, area.adjusted(1, textHeight, -1, -2), from, to, peak));
}

} // namespace PipeScope::Ui
