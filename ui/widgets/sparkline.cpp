#include "sparkline.h"

#include "statepresentation.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace PipeScope::Ui {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setMinimumHeight(64);
    setToolTip(QStringLiteral("Bytes per second over the last minute: written into the pipe "
                              "(solid line) and read out of it (dashed line)."));
}

void Sparkline::setHistory(const std::deque<LabPipe::RateSample> &history)
{
    m_history = history;
    update();
}

QSize Sparkline::sizeHint() const
{
    return { 400, 64 };
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(area);
    double top = 1024;
    for (const LabPipe::RateSample &s : m_history)
        top = std::max({ top, s.written, s.read });
    top *= 1.15;
    const QRectF plot = area.adjusted(4, fontMetrics().height() + 2, -4, -3);
    paintSeries(painter, plot, top, true);
    paintSeries(painter, plot, top, false);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(area.adjusted(6, 1, -6, 0), Qt::AlignLeft | Qt::AlignTop,
                     QStringLiteral("scale %1 · last %2 s").arg(formatRate(top)).arg(LabPipe::HistorySize / 4));
    painter.drawText(area.adjusted(6, 1, -6, 0), Qt::AlignRight | Qt::AlignTop,
                     QStringLiteral("── written   ╌╌ read"));
}

void Sparkline::paintSeries(QPainter &painter, const QRectF &area, double top, bool written) const
{
    if (m_history.size() < 2)
        return;
    QPainterPath path;
    const qreal step = area.width() / (LabPipe::HistorySize - 1);
    const qreal x0 = area.right() - step * qreal(m_history.size() - 1);
    for (size_t i = 0; i < m_history.size(); ++i) {
        const double value = written ? m_history[i].written : m_history[i].read;
        const QPointF point(x0 + step * qreal(i), area.bottom() - area.height() * value / top);
        if (i == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    QPen pen(written ? palette().color(QPalette::Highlight) : palette().color(QPalette::WindowText),
             written ? 2.0 : 1.5);
    if (!written)
        pen.setStyle(Qt::DashLine);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(path);
}

} // namespace PipeScope::Ui
