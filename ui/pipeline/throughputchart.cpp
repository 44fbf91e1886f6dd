#include "throughputchart.h"

#include "pipelinehistory.h"
#include "pipelinetimeaxis.h"
#include "statepresentation.h"

#include <QPainter>

#include <array>
#include <cmath>

namespace PipeScope::Ui {

ThroughputChart::ThroughputChart(const PipelineHistory *history, QWidget *parent)
    : QWidget(parent), m_history(history)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(QStringLiteral("Throughput of every pipe over time"));
    setToolTip(QStringLiteral("Bytes per second through each pipe of the pipeline, averaged over at "
                              "least a second. When a stage slows down, the pipes after it drop "
                              "at once and the ones before it drop as their buffers fill."));
}

void ThroughputChart::setPipeLabels(const QStringList &labels)
{
    if (labels == m_labels)
        return;
    m_labels = labels;
    update();
}

QPen ThroughputChart::seriesPen(int index, qreal width)
{
    // Okabe & Ito's colour-blind-safe set; the dash patterns tell lines apart without colour.
    static const std::array<QColor, 7> colors = { QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00),
                                                  QColor(0x00, 0x9e, 0x73), QColor(0xcc, 0x79, 0xa7),
                                                  QColor(0xe6, 0x9f, 0x00), QColor(0x56, 0xb4, 0xe9),
                                                  QColor(0x33, 0x33, 0x33) };
    static const std::array<Qt::PenStyle, 4> styles = { Qt::SolidLine, Qt::DashLine, Qt::DotLine,
                                                        Qt::DashDotLine };
    QPen pen(colors[size_t(index) % colors.size()], width);
    pen.setStyle(styles[size_t(index) % styles.size()]);
    pen.setCapStyle(Qt::FlatCap);
    return pen;
}

QSize ThroughputChart::sizeHint() const
{
    return { 800, fontMetrics().height() * 12 };
}

QSize ThroughputChart::minimumSizeHint() const
{
    return { 300, fontMetrics().height() * 5 };
}

void ThroughputChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(0, 0, -1, -1);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(area);
    const int line = fontMetrics().height();
    const double legendBottom = paintLegend(painter, area.adjusted(6, 4, -6, 0));
    const QRectF plot(area.left() + PipelineTimeAxis::gutterWidth(fontMetrics()), legendBottom + line / 2,
                      0, 0);
    const QRectF box = QRectF(plot.topLeft(), QPointF(area.right() - 8, area.bottom() - line - 4));
    if (box.height() < line || box.width() < 20)
        return;
    const PipelineTimeAxis axis(*m_history, box);
    axis.paintGrid(painter, palette(), true);
    // A round top a little above the peak, so the scale labels read "50 MiB/s", not "47.3".
    double top = std::max(1024.0, m_history->peakRate() * 1.1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(top)));
    top = std::ceil(top / magnitude * 2) / 2 * magnitude;
    paintScale(painter, box, top);
    for (int pipe = 0; pipe < m_history->pipeCount(); ++pipe) {
        painter.setPen(seriesPen(pipe));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(ratePath(m_history->rates(pipe), box, axis.start(), axis.end(), top));
    }
}

double ThroughputChart::paintLegend(QPainter &painter, const QRectF &area) const
{
    const QFontMetrics metrics = fontMetrics();
    painter.setPen(palette().color(QPalette::WindowText));
    const QString title = QStringLiteral("Throughput per pipe");
    painter.drawText(QPointF(area.left(), area.top() + metrics.ascent()), title);
    double x = area.left() + metrics.horizontalAdvance(title) + 16;
    double y = area.top();
    constexpr double Sample = 28;
    for (int i = 0; i < m_labels.size(); ++i) {
        const double width = Sample + 6 + metrics.horizontalAdvance(m_labels[i]) + 14;
        if (x + width > area.right() && x > area.left()) {
            x = area.left();
            y += metrics.height();
        }
        const double middle = y + metrics.height() / 2.0;
        painter.setPen(seriesPen(i, 2.5));
        painter.drawLine(QPointF(x, middle), QPointF(x + Sample, middle));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QPointF(x + Sample + 6, y + metrics.ascent()), m_labels[i]);
        x += width;
    }
    return y + metrics.height();
}

void ThroughputChart::paintScale(QPainter &painter, const QRectF &plot, double top) const
{
    const QFontMetrics metrics = fontMetrics();
    for (int step = 0; step <= 4; ++step) {
        const double value = top * step / 4;
        const double y = plot.bottom() - plot.height() * step / 4;
        painter.setPen(QPen(palette().color(QPalette::Midlight), 1, step == 0 ? Qt::SolidLine : Qt::DotLine));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        const QString text = formatRate(value);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(QPointF(plot.left() - 6 - metrics.horizontalAdvance(text), y + metrics.ascent() / 2.0),
                         text);
    }
}

} // namespace PipeScope::Ui
