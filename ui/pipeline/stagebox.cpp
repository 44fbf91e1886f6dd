#include "stagebox.h"

#include "livelabel.h"
#include "stageactivitylook.h"
#include "statebadge.h"
#include "statepresentation.h"

#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace PipeScope::Ui {

namespace {

constexpr int BorderWidth = 1;
constexpr int BottleneckBorderWidth = 4;

} // namespace

StageBox::StageBox(int index, QWidget *parent)
    : QWidget(parent),
      m_index(index),
      m_command(new LiveLabel(QStringLiteral("gzip -9 --rsyncable"), this)),
      m_pid(new LiveLabel(QStringLiteral("stage 10 · pid 4194304"), this)),
      m_state(new StateBadge(StateBadge::Size::Normal, this)),
      m_cpu(new QProgressBar(this)),
      m_bytes(new LiveLabel(QStringLiteral("in ≈ 999.9 MiB\nout ≈ 999.9 MiB"), this)),
      m_marker(new LiveLabel(QStringLiteral("⚑ bottleneck"), this)),
      m_pause(new QPushButton(QStringLiteral("Pause"), this))
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    QFont bold = m_command->font();
    bold.setBold(true);
    m_command->setFont(bold);
    m_marker->setFont(bold);
    m_bytes->setWordWrap(true);
    m_cpu->setRange(0, 100);
    m_cpu->setTextVisible(true);
    m_cpu->setMaximumHeight(fontMetrics().height() + 4);
    m_cpu->setToolTip(QStringLiteral("CPU time over the last second (utime + stime), as a share of one core."));
    m_pause->setToolTip(QStringLiteral("SIGSTOP the stage: its input pipe fills and the stages before it "
                                       "block writing, one after the other. Resume sends SIGCONT."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(3);
    for (QWidget *part : std::initializer_list<QWidget *>{ m_command, m_pid, m_state, m_cpu, m_bytes,
                                                           m_marker, m_pause })
        layout->addWidget(part);
    m_marker->setText(QString());
    connect(m_pause, &QPushButton::clicked, this, [this] { Q_EMIT pauseRequested(m_index, !m_stopped); });
}

void StageBox::setStage(const StageSample &stage, std::optional<BottleneckCause> bottleneck)
{
    m_command->setText(fontMetrics().elidedText(stage.command, Qt::ElideRight, m_command->width()));
    m_command->setToolTip(stage.command);
    m_pid->setText(stage.pid > 0 ? QStringLiteral("stage %1 · pid %2").arg(m_index + 1).arg(stage.pid)
                                 : QStringLiteral("stage %1").arg(m_index + 1));
    m_state->setLook(StageActivityLook::look(stage.activity),
                     stage.activity == StageActivity::Sleeping ? stage.wchan : QString());
    m_cpu->setValue(std::clamp(qRound(stage.cpu * 100), 0, 100));
    m_cpu->setFormat(QStringLiteral("CPU %1 %").arg(qRound(stage.cpu * 100)));
    m_bytes->setText(bytesText(stage));
    m_bytes->setToolTip(bytesToolTip(stage.flags));
    m_stopped = stage.activity == StageActivity::Stopped;
    m_pause->setText(m_stopped ? QStringLiteral("Resume") : QStringLiteral("Pause"));
    m_pause->setEnabled(stage.activity != StageActivity::Exited && stage.pid > 0);
    const bool wasBottleneck = m_bottleneck;
    m_bottleneck = bottleneck.has_value();
    // The cause is the banner's sentence (and this box's state word): here only the mark.
    m_marker->setText(m_bottleneck ? QStringLiteral("⚑ bottleneck") : QString());
    m_marker->setToolTip(m_bottleneck ? QStringLiteral("Cause: %1").arg(bottleneckCauseName(*bottleneck)) : QString());
    if (wasBottleneck != m_bottleneck)
        update();
}

void StageBox::setFinished(bool finished)
{
    m_pause->setEnabled(!finished);
}

QString StageBox::stateWord() const
{
    return m_state->word();
}

QString StageBox::bottleneckText() const
{
    return m_marker->text();
}

QString StageBox::bytesText(const StageSample &stage)
{
    if (stage.flags.testFlag(StageFlag::NoAccess))
        return QStringLiteral("in/out: no access");
    // "≈": the counters include other files; "(splice)": they miss what splice() moved.
    const QString mark = stage.flags.testFlag(StageFlag::Approximate) ? QStringLiteral("≈ ") : QString();
    const QString splice = stage.flags.testFlag(StageFlag::SpliceBlind) ? QStringLiteral(" (splice)") : QString();
    return QStringLiteral("in %1%2%3\nout %1%4%3")
            .arg(mark, formatBytes(qint64(stage.bytesIn)), splice, formatBytes(qint64(stage.bytesOut)));
}

QString StageBox::bytesToolTip(StageFlags flags)
{
    QString text = QStringLiteral("Bytes the stage read (rchar) and wrote (wchar), from /proc/PID/io.");
    if (flags.testFlag(StageFlag::NoAccess))
        text += QStringLiteral("\nNo access: /proc/PID/io of another user's process is not readable; its "
                               "pipes are measured through the neighbours.");
    if (flags.testFlag(StageFlag::Approximate))
        text += QStringLiteral("\n≈: the stage also reads or writes files or sockets, and those count too.");
    if (flags.testFlag(StageFlag::SpliceBlind))
        text += QStringLiteral("\n(splice): the stage moves data with splice(), which /proc/PID/io does "
                               "not count; its pipes' rates come from the neighbours.");
    return text;
}

QSize StageBox::sizeHint() const
{
    const QSize inner = QWidget::sizeHint();
    return { std::clamp(inner.width(), 130, 180), inner.height() };
}

void StageBox::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int width = m_bottleneck ? BottleneckBorderWidth : BorderWidth;
    const QColor border = palette().color(m_bottleneck ? QPalette::Highlight : QPalette::Mid);
    painter.setPen(QPen(border, width));
    painter.setBrush(palette().color(QPalette::Base));
    const qreal inset = width / 2.0 + 0.5;
    painter.drawRoundedRect(QRectF(rect()).adjusted(inset, inset, -inset, -inset), 6, 6);
}

} // namespace PipeScope::Ui
