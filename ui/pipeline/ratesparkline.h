#pragma once
/// \file ratesparkline.h
/// A pipe's rate over the last half minute, small enough to sit under its gauge between two
/// stage boxes; drawn with the same pen as the pipe's line in the throughput chart, so the two
/// are recognisably the same pipe. Its top is the pipe's own peak, written at its left.

#include <QWidget>

namespace PipeScope::Ui {

class PipelineHistory;

class RateSparkline : public QWidget
{
    Q_OBJECT
public:
    static constexpr double Seconds = 30;

    RateSparkline(const PipelineHistory *history, int pipe, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const PipelineHistory *m_history;
    int m_pipe;
};

} // namespace PipeScope::Ui
