#include "writebuffergauge.h"

#include "statepresentation.h"

#include <QPainter>

#include <algorithm>

namespace PipeScope::Ui {

WriteBufferGauge::WriteBufferGauge(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(StatePresentation::transportBufferTooltip() + u' '
               + StatePresentation::waterMarksTooltip());
    setAccessibleName(QStringLiteral("Writer transport buffer"));
    setAccessibleDescription(fillText());
}

void WriteBufferGauge::setValues(qint64 size, qint64 low, qint64 high)
{
    if (size == m_size && low == m_low && high == m_high)
        return;
    m_size = size;
    m_low = low;
    m_high = high;
    setAccessibleDescription(fillText()); // the picture says nothing to a screen reader
    update();
}

QString WriteBufferGauge::fillText() const
{
    const QString size = m_size > 0 ? QStringLiteral("%1 buffered").arg(formatBytes(m_size))
                                    : QStringLiteral("nothing buffered");
    const QString where = m_size > m_high ? QStringLiteral("above") : QStringLiteral("at or below");
    return QStringLiteral("%1, %2 the high-water mark (%3; low-water mark %4)")
            .arg(size, where, formatBytes(m_high), formatBytes(m_low));
}

QSize WriteBufferGauge::sizeHint() const
{
    return { 280, fontMetrics().height() * 2 + 14 };
}

QSize WriteBufferGauge::minimumSizeHint() const
{
    return { 140, sizeHint().height() };
}

qint64 WriteBufferGauge::scale() const
{
    // The high mark sits at 2/3 of the bar until the buffer outgrows that.
    return std::max({ m_high * 3 / 2, m_size + m_size / 10, qint64(1) });
}

void WriteBufferGauge::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int textHeight = fontMetrics().height();
    const QRectF bar(1, 1, width() - 2, height() - textHeight - 6);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(bar, 3, 3);
    const qreal fraction = std::clamp(qreal(m_size) / qreal(scale()), 0.0, 1.0);
    if (fraction > 0) {
        const QRectF filled(bar.left() + 1, bar.top() + 1, (bar.width() - 2) * fraction, bar.height() - 2);
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette().color(QPalette::Highlight));
        painter.drawRoundedRect(filled, 2, 2);
        if (m_size > m_high) {
            // Above the high mark the fill is hatched: a shape cue, not only a colour.
            painter.setBrush(QBrush(palette().color(QPalette::HighlightedText), Qt::BDiagPattern));
            painter.drawRoundedRect(filled, 2, 2);
        }
    }
    paintMark(painter, bar, m_low, QStringLiteral("low"));
    paintMark(painter, bar, m_high, QStringLiteral("high"));
}

void WriteBufferGauge::paintMark(QPainter &painter, const QRectF &bar, qint64 value,
                                 const QString &label) const
{
    const qreal x = bar.left() + bar.width() * qreal(value) / qreal(scale());
    painter.setPen(QPen(palette().color(QPalette::WindowText), 2));
    painter.drawLine(QPointF(x, bar.top() - 1), QPointF(x, bar.bottom() + 4));
    const QString text = QStringLiteral("%1 %2").arg(label, formatBytes(value));
    const int w = fontMetrics().horizontalAdvance(text);
    // The low label is left of its mark, the high one right of it, so they never overlap.
    const bool leftOfMark = label == u"low";
    qreal left = leftOfMark ? x - w - 3 : x + 3;
    left = std::clamp(left, 0.0, qreal(width() - w));
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRectF(left, bar.bottom() + 3, w + 1, fontMetrics().height()), Qt::AlignLeft, text);
}

} // namespace PipeScope::Ui
