#include "kernelbuffergauge.h"

#include "statepresentation.h"

#include <pipescope/pipelimits.h>

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace PipeScope::Ui {

KernelBufferGauge::KernelBufferGauge(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(StatePresentation::kernelBufferTooltip());
    setAccessibleName(QStringLiteral("Kernel pipe buffer"));
    setAccessibleDescription(fillText());
}

void KernelBufferGauge::setValues(qint64 queued, qint64 capacity)
{
    if (queued == m_queued && capacity == m_capacity)
        return;
    m_queued = queued;
    m_capacity = capacity;
    // The picture alone says nothing to a screen reader (Qt would read the tooltip instead).
    setAccessibleDescription(fillText());
    update();
}

QString KernelBufferGauge::fillText() const
{
    if (m_capacity <= 0 || m_queued < 0)
        return QStringLiteral("not visible: no end of this pipe is open here");
    return QStringLiteral("%1 of %2 queued (%3 %), %4 of %5 page slots in use")
            .arg(formatBytes(m_queued), formatBytes(m_capacity))
            .arg(qRound(100.0 * double(m_queued) / double(m_capacity)))
            .arg(usedSlots())
            .arg(slotCount());
}

int KernelBufferGauge::slotCount() const
{
    return m_capacity > 0 ? int(m_capacity / PipeLimits::pageSize()) : 0;
}

int KernelBufferGauge::usedSlots() const
{
    return m_queued > 0 ? int(PipeLimits::minimumSlots(m_queued)) : 0;
}

QSize KernelBufferGauge::sizeHint() const
{
    return { 320, fontMetrics().height() * 3 };
}

QSize KernelBufferGauge::minimumSizeHint() const
{
    return { 160, fontMetrics().height() * 3 };
}

void KernelBufferGauge::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    if (m_capacity <= 0) {
        painter.setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawRoundedRect(area, 4, 4);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter, QStringLiteral("no end of this pipe is open here"));
        return;
    }
    if (slotCount() <= MaxDrawnSlots)
        paintSlots(painter, area);
    else
        paintBar(painter, area);
}

void KernelBufferGauge::paintSlots(QPainter &painter, const QRectF &area) const
{
    const int slots = std::max(1, slotCount());
    const qreal gap = slots > 32 ? 1.5 : 3;
    const qreal width = (area.width() - gap * (slots - 1)) / slots;
    const qint64 page = PipeLimits::pageSize();
    const QColor fill = palette().color(QPalette::Highlight);
    for (int i = 0; i < slots; ++i) {
        const QRectF box(area.left() + i * (width + gap), area.top(), width, area.height());
        painter.setPen(QPen(palette().color(QPalette::Mid), 1));
        painter.setBrush(palette().color(QPalette::Base));
        painter.drawRoundedRect(box, 2, 2);
        const qint64 inSlot = std::clamp<qint64>(m_queued - i * page, 0, page);
        if (inSlot == 0)
            continue;
        // Filled from the bottom, like a glass: height shows how full the page is.
        const qreal h = (box.height() - 2) * qreal(inSlot) / qreal(page);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawRoundedRect(QRectF(box.left() + 1, box.bottom() - 1 - h, box.width() - 2, h), 1.5, 1.5);
    }
}

void KernelBufferGauge::paintBar(QPainter &painter, const QRectF &area) const
{
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(area, 3, 3);
    const qreal fraction = std::clamp(qreal(m_queued) / qreal(m_capacity), 0.0, 1.0);
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::Highlight));
    painter.drawRoundedRect(QRectF(area.left() + 1, area.top() + 1, (area.width() - 2) * fraction,
                                   area.height() - 2),
                            2, 2);
    // 16 ticks whatever the size: each marks 1/16 of the capacity.
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    for (int i = 1; i < 16; ++i) {
        const qreal x = area.left() + area.width() * i / 16;
        painter.drawLine(QPointF(x, area.bottom() - 5), QPointF(x, area.bottom() - 1));
    }
}

} // namespace PipeScope::Ui
