#include "pipegauge.h"

#include "kernelbuffergauge.h"
#include "livelabel.h"
#include "pipelinemodel.h"
#include "ratesparkline.h"

#include <QPainter>
#include <QVBoxLayout>

namespace PipeScope::Ui {

namespace {

constexpr int ArrowRoom = 14; // px above the rate for the arrow

} // namespace

PipeGauge::PipeGauge(const PipelineHistory *history, int pipe, QWidget *parent)
    : QWidget(parent),
      m_pipe(pipe),
      m_rate(new LiveLabel(QStringLiteral("999.9 MiB/s"), this)),
      m_gauge(new KernelBufferGauge(this)),
      m_queued(new LiveLabel(QStringLiteral("100 % full"), this)),
      m_sparkline(new RateSparkline(history, pipe, this))
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    QFont bold = m_rate->font();
    bold.setBold(true);
    m_rate->setFont(bold);
    m_rate->setAlignment(Qt::AlignCenter);
    m_queued->setAlignment(Qt::AlignCenter);
    m_gauge->setMinimumWidth(80);
    m_gauge->setFixedHeight(fontMetrics().height() * 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, ArrowRoom, 4, 0);
    layout->setSpacing(2);
    layout->addWidget(m_rate);
    layout->addWidget(m_gauge);
    layout->addWidget(m_queued);
    layout->addWidget(m_sparkline);
}

void PipeGauge::setValues(qint64 queued, qint64 capacity, double rate, bool approximate)
{
    // "≈" would not fit between two boxes: it is in the tooltip and on the Numbers tab.
    m_rate->setText(PipelineModel::rateText(rate, false));
    m_rate->setToolTip(rateToolTip() + (approximate ? QStringLiteral("\n≈ Approximate: the counting stage "
                                                                     "does other I/O too.")
                                                    : QString()));
    m_gauge->setValues(queued, capacity);
    // Full and empty are what the bottleneck rule reads, so they are the words; the bytes are
    // in the tooltip and on the Numbers tab.
    QString fill = QStringLiteral("—");
    if (queued >= 0 && capacity > 0 && queued * 10 >= capacity * 9)
        fill = QStringLiteral("full");
    else if (queued == 0)
        fill = QStringLiteral("empty");
    else if (queued > 0 && capacity > 0)
        fill = QStringLiteral("%1 % full").arg(qRound(100.0 * double(queued) / double(capacity)));
    m_queued->setText(fill);
    m_queued->setToolTip(PipelineModel::queuedText(queued, capacity));
    m_sparkline->update();
}

QString PipeGauge::rateToolTip()
{
    return QStringLiteral("Bytes per second through this pipe over the last second or more, from the "
                          "counters of the stage whose only I/O is this pipe.");
}

QString PipeGauge::rateText() const
{
    return m_rate->text();
}

QString PipeGauge::queuedText() const
{
    return m_queued->text();
}

QSize PipeGauge::sizeHint() const
{
    return { 140, QWidget::sizeHint().height() };
}

void PipeGauge::paintEvent(QPaintEvent *)
{
    // The arrow says which way the bytes go: from the writer's box on the left to the reader's.
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal y = ArrowRoom / 2.0;
    const qreal right = width() - 2;
    painter.setPen(QPen(palette().color(QPalette::WindowText), 1.5));
    painter.drawLine(QPointF(2, y), QPointF(right, y));
    painter.drawLine(QPointF(right, y), QPointF(right - 6, y - 4));
    painter.drawLine(QPointF(right, y), QPointF(right - 6, y + 4));
}

} // namespace PipeScope::Ui
