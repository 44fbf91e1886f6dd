#pragma once
/// \file pipelineflowview.h
/// The pipeline drawn the way the shell reads it: stage boxes left to right with a pipe gauge
/// between each two. Rebuilt only when the number of stages changes (attach may find one
/// later); otherwise every box and gauge is updated in place. Scrolls sideways when the
/// pipeline is wider than the window.

#include <pipescope/metersnapshot.h>

#include <QScrollArea>

namespace PipeScope::Ui {

class PipeGauge;
class PipelineHistory;
class StageBox;

class PipelineFlowView : public QScrollArea
{
    Q_OBJECT
public:
    explicit PipelineFlowView(const PipelineHistory *history, QWidget *parent = nullptr);

    void setSnapshot(const MeterSnapshot &snapshot);
    /// The run ended: Pause buttons are disabled.
    void setFinished(bool finished);

    int stageCount() const { return int(m_boxes.size()); }
    StageBox *stageBox(int index) const { return m_boxes.value(index); }
    PipeGauge *pipeGauge(int index) const { return m_gauges.value(index); }

    QSize sizeHint() const override;

Q_SIGNALS:
    void pauseRequested(int stage, bool stop);

private:
    void rebuild(int stages);

    const PipelineHistory *m_history;
    QList<StageBox *> m_boxes;
    QList<PipeGauge *> m_gauges;
};

} // namespace PipeScope::Ui
