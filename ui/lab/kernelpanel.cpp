#include "kernelpanel.h"

#include "kernelbuffergauge.h"
#include "livelabel.h"
#include "statepresentation.h"

#include <pipescope/pipelimits.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace PipeScope::Ui {

KernelPanel::KernelPanel(QWidget *parent)
    : QWidget(parent),
      m_gauge(new KernelBufferGauge(this)),
      m_numbers(new LiveLabel(QStringLiteral("999.9 KiB of 999.9 KiB (100.0 %)"), this)),
      m_slots(new LiveLabel(QStringLiteral("1,048,576 bytes in ≥ 256 of 256 page slots"), this)),
      m_capacity(new QSpinBox(this)),
      m_setCapacity(new QPushButton(QStringLiteral("Set"), this)),
      m_answer(new QLabel(this)),
      m_warning(new LiveLabel(QStringLiteral("writer blocked: kernel pipe full\nand transport buffer above\nthe high-water mark"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_gauge);
    QFont big = m_numbers->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_numbers->setFont(big);
    m_numbers->setToolTip(StatePresentation::kernelBufferTooltip());
    layout->addWidget(m_numbers);
    m_slots->setToolTip(QStringLiteral("The kernel keeps a pipe's bytes in page slots (4 KiB each). "
                                       "A write that does not fit the last page needs a free slot, "
                                       "so a pipe can refuse writes before it is byte-full."));
    layout->addWidget(m_slots);

    auto *row = new QHBoxLayout;
    auto *label = new QLabel(QStringLiteral("Capacity:"), this);
    label->setToolTip(StatePresentation::capacityTooltip());
    label->setBuddy(m_capacity);
    m_capacity->setAccessibleName(QStringLiteral("Pipe capacity"));
    m_setCapacity->setAccessibleName(QStringLiteral("Set pipe capacity")); // "Set" alone says little
    m_capacity->setRange(0, std::numeric_limits<int>::max());
    m_capacity->setSuffix(QStringLiteral(" B"));
    m_capacity->setGroupSeparatorShown(true);
    m_capacity->setSingleStep(PipeLimits::pageSize());
    m_capacity->setToolTip(StatePresentation::capacityTooltip());
    m_setCapacity->setToolTip(QStringLiteral("Ask the kernel for this capacity (fcntl F_SETPIPE_SZ)."));
    row->addWidget(label);
    row->addWidget(m_capacity, 1);
    row->addWidget(m_setCapacity);
    layout->addLayout(row);
    m_answer->setWordWrap(true);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_answer);
    m_warning->setWordWrap(true);
    m_warning->setToolTip(QStringLiteral("Why data does not flow, when something blocks it."));
    QFont bold = m_warning->font();
    bold.setBold(true);
    m_warning->setFont(bold);
    layout->addWidget(m_warning);
    layout->addStretch(1);
    connect(m_setCapacity, &QPushButton::clicked, this, &KernelPanel::applyCapacity);
    connect(m_capacity, &QSpinBox::editingFinished, this, [this] {
        if (m_capacity->hasFocus())
            applyCapacity();
    });
}

void KernelPanel::setPipe(LabPipe *pipe)
{
    m_pipe = pipe;
    m_answer->clear();
    m_capacity->setValue(0);
    m_capacityShown = false;
}

void KernelPanel::refresh(const LabPipeSnapshot &s)
{
    m_gauge->setValues(s.queued, s.capacity);
    const bool known = s.queued >= 0 && s.capacity > 0;
    if (known) {
        m_numbers->setText(QStringLiteral("%1 of %2 (%3 %)")
                                   .arg(formatBytes(s.queued), formatBytes(s.capacity))
                                   .arg(100.0 * double(s.queued) / double(s.capacity), 0, 'f', 1));
        m_slots->setText(QStringLiteral("%L1 bytes in ≥ %2 of %3 page slots")
                                 .arg(s.queued)
                                 .arg(m_gauge->usedSlots())
                                 .arg(m_gauge->slotCount()));
    } else {
        m_numbers->setText(QStringLiteral("kernel buffer not visible"));
        m_slots->setText(QStringLiteral("no end of this pipe is open in the lab"));
    }
    // Fill the spin box with the real capacity once per pipe, then leave the user's edit alone.
    if (known && !m_capacityShown) {
        m_capacity->setValue(int(s.capacity));
        m_capacityShown = true;
    }
    m_capacity->setEnabled(known);
    m_setCapacity->setEnabled(known);
    const QString warning = warningFor(s);
    m_warning->setText(warning.isEmpty() ? QString() : QStringLiteral("⚠ ") + warning);
}

QString KernelPanel::warningFor(const LabPipeSnapshot &s)
{
    if (s.writerState == LabPipe::WriterState::WritingPaused)
        return QStringLiteral("writer blocked: kernel pipe full and transport buffer above the "
                              "high-water mark");
    // The child is blocked one way: in write() to its stdout or in read() from its stdin. Said
    // from the pipe shown, which is one of the two, so the panels never contradict each other.
    const QString child = s.name.section(u' ', 0, 0);
    const bool stdoutPipe = s.writerState == LabPipe::WriterState::External;
    const bool stdinPipe = s.readerState == LabPipe::ReaderState::External;
    if (s.childBlocked && s.childBlockedWriting && stdoutPipe)
        return QStringLiteral("%1 is blocked writing: nobody reads this pipe fast enough").arg(child);
    if (s.childBlocked && s.childBlockedWriting && stdinPipe)
        return QStringLiteral("%1 is blocked writing its output pipe, so it reads nothing from this one").arg(child);
    if (s.childBlocked && !s.childBlockedWriting && stdinPipe && s.queued == 0)
        return QStringLiteral("%1 is blocked reading: this pipe is empty").arg(child);
    if (s.childBlocked && !s.childBlockedWriting && stdoutPipe)
        return QStringLiteral("%1 is blocked reading: its input pipe is empty, so it writes nothing here").arg(child);
    if (s.writerState == LabPipe::WriterState::WaitingForReader)
        return QStringLiteral("the writer's open() waits for a reader of the FIFO");
    return {};
}

void KernelPanel::applyCapacity()
{
    if (!m_pipe)
        return;
    PipeScope::Error error;
    const std::optional<int> set = m_pipe->setCapacity(m_capacity->value(), &error);
    if (!set) {
        m_answer->setText(QStringLiteral("✗ The kernel refused: %1").arg(error.message()));
        Q_EMIT errorOccurred(QStringLiteral("F_SETPIPE_SZ %1: %2").arg(m_capacity->value()).arg(error.message()));
        return;
    }
    m_answer->setText(*set == m_capacity->value()
            ? QStringLiteral("✓ Capacity is now %1 bytes.").arg(*set)
            : QStringLiteral("✓ Capacity is now %1 bytes (the kernel rounds up to a power-of-two "
                             "number of pages).").arg(*set));
    const QSignalBlocker block(m_capacity);
    m_capacity->setValue(*set);
}

} // namespace PipeScope::Ui
