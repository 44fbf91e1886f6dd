#pragma once
/// \file throughputchart.h
/// Bytes per second of every pipe of the pipeline over time, one line each. Lines differ in
/// colour (a colour-blind-safe set) *and* dash pattern, and a legend names them; the strip's
/// sparklines use the same pens, so a pipe looks the same everywhere on the page.

#include <QStringList>
#include <QWidget>

#include <deque>

class QPainterPath;

namespace PipeScope::Ui {

class PipelineHistory;

class ThroughputChart : public QWidget
{
    Q_OBJECT
public:
    explicit ThroughputChart(const PipelineHistory *history, QWidget *parent = nullptr);

    /// "yes → head", one per pipe, for the legend.
    void setPipeLabels(const QStringList &labels);
    QStringList pipeLabels() const { return m_labels; }

    /// The pen of pipe \a index's line (and of its sparkline in the strip).
    static QPen seriesPen(int index, qreal width = 2);
    /// A line through \a points within [from, to] × [0, top] mapped onto \a area.
    template<typename Point>
    static QPainterPath ratePath(const std::deque<Point> &points, const QRectF &area, double from,
                                 double to, double top);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double paintLegend(QPainter &painter, const QRectF &area) const;
    void paintScale(QPainter &painter, const QRectF &plot, double top) const;

    const PipelineHistory *m_history;
    QStringList m_labels;
};

} // namespace PipeScope::Ui

#include <QPainterPath>

template<typename Point>
QPainterPath PipeScope::Ui::ThroughputChart::ratePath(const std::deque<Point> &points, const QRectF &area,
                                                      double from, double to, double top)
{
    QPainterPath path;
    bool drawing = false;
    for (const Point &point : points) {
        if (point.t < from || point.rate < 0) {
            drawing = false; // unknown rates leave a gap rather than a fake zero
            continue;
        }
        const QPointF at(area.left() + area.width() * (point.t - from) / (to - from),
                         area.bottom() - area.height() * std::min(point.rate, top) / top);
        if (drawing)
            path.lineTo(at);
        else
            path.moveTo(at);
        drawing = true;
    }
    return path;
}
