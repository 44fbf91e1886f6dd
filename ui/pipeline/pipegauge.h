#pragma once
/// \file pipegauge.h
/// The pipe between two stage boxes: an arrow writer → reader, its current rate, its fill as
/// the kernel's page slots with "full", "empty" or "62 % full" under them (the words the
/// bottleneck rule reads; the bytes are in its tooltip), and a sparkline of its rate.

#include <QWidget>

namespace PipeScope::Ui {

class KernelBufferGauge;
class LiveLabel;
class PipelineHistory;
class RateSparkline;

class PipeGauge : public QWidget
{
    Q_OBJECT
public:
    PipeGauge(const PipelineHistory *history, int pipe, QWidget *parent = nullptr);

    /// From the pipe's sample (-1 for unknown values).
    void setValues(qint64 queued, qint64 capacity, double rate, bool approximate);

    int pipe() const { return m_pipe; }
    QString rateText() const;
    QString queuedText() const;
    KernelBufferGauge *gauge() const { return m_gauge; }

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    static QString rateToolTip();

    int m_pipe;
    LiveLabel *m_rate;
    KernelBufferGauge *m_gauge;
    LiveLabel *m_queued;
    RateSparkline *m_sparkline;
};

} // namespace PipeScope::Ui
