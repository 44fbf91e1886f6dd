#pragma once
/// \file kernelbuffergauge.h
/// The kernel's pipe buffer drawn as its page slots: queued bytes (FIONREAD) against the
/// capacity (F_GETPIPE_SZ), one box per 4 KiB page the kernel counts in.

#include <QWidget>

namespace PipeScope::Ui {

class KernelBufferGauge : public QWidget
{
    Q_OBJECT
public:
    /// Above this many slots (capacity > 256 KiB) the gauge is one bar with slot ticks.
    static constexpr int MaxDrawnSlots = 64;

    explicit KernelBufferGauge(QWidget *parent = nullptr);

    /// -1 for unknown (no fd of the pipe is open in the lab).
    void setValues(qint64 queued, qint64 capacity);
    qint64 queued() const { return m_queued; }
    qint64 capacity() const { return m_capacity; }
    int slotCount() const;
    /// Slots that hold at least one byte if the bytes were packed into pages.
    int usedSlots() const;
    /// The fill in words, as a screen reader says it (the accessible description):
    /// "48 KiB of 64 KiB queued (75 %), 12 of 16 page slots in use".
    QString fillText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintSlots(class QPainter &painter, const QRectF &area) const;
    void paintBar(class QPainter &painter, const QRectF &area) const;

    qint64 m_queued = -1;
    qint64 m_capacity = -1;
};

} // namespace PipeScope::Ui
