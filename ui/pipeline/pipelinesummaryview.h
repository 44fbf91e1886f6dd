#pragma once
/// \file pipelinesummaryview.h
/// What a metered run amounted to, shown when it ends: per stage bytes in/out, exit status or
/// signal, CPU seconds and time blocked reading/writing; per pipe the bytes and min/avg/max
/// rate; the whole run's bottleneck in one sentence. Text is selectable, for copying.

#include <pipescope/metersummary.h>

#include <QLabel>

namespace PipeScope::Ui {

class PipelineSummaryView : public QLabel
{
    Q_OBJECT
public:
    explicit PipelineSummaryView(QWidget *parent = nullptr);

    void setSummary(const MeterSummary &summary);
    /// The rich text for \a summary (commands escaped).
    static QString html(const MeterSummary &summary);
    /// "exit 0", "signal 15 (Terminated)", "—" (attached: not ours to wait for).
    static QString endText(const StageSummary &stage);
};

} // namespace PipeScope::Ui
