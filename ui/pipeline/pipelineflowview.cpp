#include "pipelineflowview.h"

#include "pipegauge.h"
#include "readingorder.h"
#include "stagebox.h"

#include <QHBoxLayout>
#include <QScrollBar>

namespace PipeScope::Ui {

PipelineFlowView::PipelineFlowView(const PipelineHistory *history, QWidget *parent)
    : QScrollArea(parent), m_history(history)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(QStringLiteral("Pipeline stages"));
    rebuild(0);
}

void PipelineFlowView::rebuild(int stages)
{
    m_boxes.clear();
    m_gauges.clear();
    auto *strip = new QWidget;
    auto *row = new QHBoxLayout(strip);
    row->setContentsMargins(4, 4, 4, 4);
    row->setSpacing(0);
    for (int i = 0; i < stages; ++i) {
        if (i > 0) {
            auto *gauge = new PipeGauge(m_history, i - 1, strip);
            m_gauges << gauge;
            row->addWidget(gauge, 1, Qt::AlignVCenter);
        }
        auto *box = new StageBox(i, strip);
        connect(box, &StageBox::pauseRequested, this, &PipelineFlowView::pauseRequested);
        m_boxes << box;
        row->addWidget(box, 0, Qt::AlignVCenter);
    }
    setWidget(strip); // deletes the previous strip
    // The new boxes joined the window's Tab chain at its end: bring them here.
    ReadingOrder::apply(this);
    updateGeometry();
}

void PipelineFlowView::setSnapshot(const MeterSnapshot &snapshot)
{
    if (snapshot.stages.size() != m_boxes.size())
        rebuild(int(snapshot.stages.size()));
    for (int i = 0; i < m_boxes.size(); ++i) {
        std::optional<BottleneckCause> cause;
        if (snapshot.bottleneck.stage == i)
            cause = snapshot.bottleneck.cause;
        m_boxes[i]->setStage(snapshot.stages.at(i), cause);
    }
    for (const auto &pipe : snapshot.pipes) {
        if (pipe.from >= 0 && pipe.from < m_gauges.size())
            m_gauges[pipe.from]->setValues(pipe.queued, pipe.capacity, pipe.rate, pipe.approximate);
    }
}

void PipelineFlowView::setFinished(bool finished)
{
    for (StageBox *box : std::as_const(m_boxes))
        box->setFinished(finished);
}

QSize PipelineFlowView::sizeHint() const
{
    const int content = widget() ? widget()->sizeHint().height() : 0;
    return { 800, content + horizontalScrollBar()->sizeHint().height() + 2 };
}

} // namespace PipeScope::Ui
