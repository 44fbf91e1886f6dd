#pragma once
/// \file writebuffergauge.h
/// The writer transport's user-space buffer with its low and high water marks.

#include <QWidget>

namespace PipeScope::Ui {

class WriteBufferGauge : public QWidget
{
    Q_OBJECT
public:
    explicit WriteBufferGauge(QWidget *parent = nullptr);

    void setValues(qint64 size, qint64 low, qint64 high);
    qint64 size() const { return m_size; }
    qint64 lowWater() const { return m_low; }
    qint64 highWater() const { return m_high; }
    /// The fill in words, as a screen reader says it (the accessible description):
    /// "80 KiB buffered, above the high-water mark (64 KiB; low-water mark 16 KiB)".
    QString fillText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    qint64 scale() const;
    void paintMark(class QPainter &painter, const QRectF &bar, qint64 value, const QString &label) const;

    qint64 m_size = 0;
    qint64 m_low = 0;
    qint64 m_high = 0;
};

} // namespace PipeScope::Ui
