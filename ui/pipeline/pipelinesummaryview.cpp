#include "pipelinesummaryview.h"

#include "pipelinemodel.h"
#include "statepresentation.h"

#include <cstring>

namespace PipeScope::Ui {

namespace {

QString cell(const QString &text, bool right = false)
{
    return QStringLiteral("<td%1>%2</td>").arg(right ? QStringLiteral(" align=\"right\"") : QString(), text);
}

QString header(const QStringList &names)
{
    QString row;
    for (const QString &name : names)
        row += QStringLiteral("<th align=\"left\">%1</th>").arg(name);
    return QStringLiteral("<tr>%1</tr>").arg(row);
}

QString seconds(double value)
{
    return QStringLiteral("%1 s").arg(value, 0, 'f', 1);
}

QString stageRows(const MeterSummary &summary)
{
    QString rows;
    for (int i = 0; i < summary.stages.size(); ++i) {
        const StageSummary &stage = summary.stages.at(i);
        const QString exact = stage.exact ? QString() : QStringLiteral(" ≈");
        rows += QStringLiteral("<tr>") + cell(QString::number(i + 1)) + cell(stage.command.toHtmlEscaped())
                + cell(QString::number(stage.pid), true)
                + cell(formatBytes(qint64(stage.bytesIn)) + exact, true)
                + cell(formatBytes(qint64(stage.bytesOut)) + exact, true)
                + cell(PipelineSummaryView::endText(stage)) + cell(seconds(stage.cpuSeconds), true)
                + cell(seconds(stage.blockedReadingSeconds), true)
                + cell(seconds(stage.blockedWritingSeconds), true) + QStringLiteral("</tr>");
    }
    return rows;
}

QString pipeRows(const MeterSummary &summary)
{
    QString rows;
    for (const auto &pipe : summary.pipes) {
        const QString from = summary.stages.value(pipe.from).command.toHtmlEscaped();
        const QString to = summary.stages.value(pipe.to).command.toHtmlEscaped();
        rows += QStringLiteral("<tr>") + cell(QStringLiteral("%1 → %2").arg(from, to))
                + cell(pipe.rateSource == RateSource::None ? QStringLiteral("unknown")
                                                           : formatBytes(qint64(pipe.bytes)),
                       true)
                + cell(PipelineModel::rateText(pipe.minRate, false), true)
                + cell(PipelineModel::rateText(pipe.avgRate, false), true)
                + cell(PipelineModel::rateText(pipe.maxRate, false), true) + QStringLiteral("</tr>");
    }
    return rows;
}

} // namespace

PipelineSummaryView::PipelineSummaryView(QWidget *parent) : QLabel(parent)
{
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAlignment(Qt::AlignTop | Qt::AlignLeft);
    setWordWrap(true);
    setMargin(8);
}

void PipelineSummaryView::setSummary(const MeterSummary &summary)
{
    setText(html(summary));
}

QString PipelineSummaryView::endText(const StageSummary &stage)
{
    if (stage.signal > 0)
        return QStringLiteral("signal %1 (%2)").arg(stage.signal).arg(QString::fromLocal8Bit(::strsignal(stage.signal)));
    if (stage.exitCode)
        return QStringLiteral("exit %1").arg(*stage.exitCode);
    return QStringLiteral("—");
}

QString PipelineSummaryView::html(const MeterSummary &summary)
{
    QString text = QStringLiteral("<p><b>%1 after %2</b>")
                           .arg(summary.interrupted ? QStringLiteral("Stopped") : QStringLiteral("Finished"),
                                seconds(summary.duration));
    const int status = summary.exitStatus();
    if (status >= 0)
        text += QStringLiteral(" · exit status %1").arg(status);
    text += QStringLiteral("</p><p>%1</p>").arg(summary.bottleneck.text.toHtmlEscaped());
    text += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\">")
            + header({ QStringLiteral("#"), QStringLiteral("Stage"), QStringLiteral("PID"), QStringLiteral("In"),
                       QStringLiteral("Out"), QStringLiteral("End"), QStringLiteral("CPU"),
                       QStringLiteral("Blocked reading"), QStringLiteral("Blocked writing") })
            + stageRows(summary) + QStringLiteral("</table>");
    text += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\">")
            + header({ QStringLiteral("Pipe"), QStringLiteral("Bytes"), QStringLiteral("Min rate"),
                       QStringLiteral("Avg rate"), QStringLiteral("Max rate") })
            + pipeRows(summary) + QStringLiteral("</table>");
    return text;
}

} // namespace PipeScope::Ui
