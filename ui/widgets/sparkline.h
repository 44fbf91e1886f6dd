#pragma once
/// \file sparkline.h
/// Throughput over the last minute: bytes written (solid) and read (dashed), from palette roles
/// so it follows light and dark themes.

#include <pipescope/labpipe.h>

#include <QWidget>

#include <deque>

namespace PipeScope::Ui {

class Sparkline : public QWidget
{
    Q_OBJECT
public:
    explicit Sparkline(QWidget *parent = nullptr);

    void setHistory(const std::deque<LabPipe::RateSample> &history);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintSeries(class QPainter &painter, const QRectF &area, double top, bool written) const;

    std::deque<LabPipe::RateSample> m_history;
};

} // namespace PipeScope::Ui
