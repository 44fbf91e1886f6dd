#pragma once
/// \file pipelinetimeaxis.h
/// The time axis the throughput chart and the state timeline share: the same gutter for
/// labels on the left and the same seconds-to-pixels mapping, so a rate's drop in one and
/// the stage that blocked in the other are at the same x.

#include <QRectF>

class QFontMetrics;
class QPainter;
class QPalette;

namespace PipeScope::Ui {

class PipelineHistory;

class PipelineTimeAxis
{
public:
    /// Width of the label column left of the plot (room for "12 gzip -1" or "999.9 MiB/s").
    static int gutterWidth(const QFontMetrics &metrics);

    PipelineTimeAxis(const PipelineHistory &history, const QRectF &plot);

    double x(double t) const;
    double timeAt(double x) const;
    double start() const { return m_start; }
    double end() const { return m_end; }
    /// Vertical grid lines and, when \a labels, "10 s" under the plot (needs one text line).
    void paintGrid(QPainter &painter, const QPalette &palette, bool labels) const;

private:
    double tickStep() const;

    QRectF m_plot;
    double m_start;
    double m_end;
};

} // namespace PipeScope::Ui
