#include "readerpanel.h"

#include "childinfo.h"
#include "livelabel.h"
#include "statebadge.h"

#include <pipescope/labslowconsumer.h>

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace PipeScope::Ui {

ReaderPanel::ReaderPanel(QWidget *parent)
    : QWidget(parent),
      m_pages(new QStackedWidget(this)),
      m_childInfo(new ChildInfo(QStringLiteral("reads this pipe"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages->addWidget(createOwnPage());
    m_pages->addWidget(m_childInfo);
    layout->addWidget(m_pages);
}

QWidget *ReaderPanel::createOwnPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    m_state = new StateBadge(StateBadge::Size::Large, page);
    layout->addWidget(m_state);

    m_pause = new QPushButton(page);
    QFont font = m_pause->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    font.setBold(true);
    m_pause->setFont(font);
    m_pause->setMinimumHeight(m_pause->fontMetrics().height() * 2 + 8);
    m_pause->setIconSize(QSize(24, 24));
    m_pause->setToolTip(QStringLiteral("Pause: stop reading, so bytes pile up in the kernel buffer "
                                       "and then the writer has to wait. Resume: read again. "
                                       "Shortcut: Space, or F8 wherever the focus is."));
    layout->addWidget(m_pause);
    connect(m_pause, &QPushButton::clicked, this, &ReaderPanel::togglePause);

    m_openReader = new QPushButton(QStringLiteral("Open a reader"), page);
    m_openReader->setToolTip(QStringLiteral("Open the FIFO for reading in the lab; a writer waiting "
                                            "in open() then continues."));
    layout->addWidget(m_openReader);
    connect(m_openReader, &QPushButton::clicked, this, &ReaderPanel::openReader);

    auto *buttons = new QHBoxLayout;
    m_close = new QPushButton(QStringLiteral("Close"), page);
    m_close->setToolTip(QStringLiteral("Close the read end; bytes still queued are lost, and the "
                                       "writer gets EPIPE on its next write."));
    m_abort = new QPushButton(QStringLiteral("Abort"), page);
    m_abort->setToolTip(QStringLiteral("Close the read end at once (for a reader the same as Close)."));
    buttons->addWidget(m_close);
    buttons->addWidget(m_abort);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_close, &QPushButton::clicked, this, [this] { if (m_pipe) m_pipe->closeReader(); });
    connect(m_abort, &QPushButton::clicked, this, [this] { if (m_pipe) m_pipe->abortReader(); });

    m_numbers = new LiveLabel(QStringLiteral("999.9 MiB read · 999.9 KiB/s"), page);
    m_numbers->setToolTip(QStringLiteral("Bytes the reader took out of the pipe so far, and at what rate."));
    layout->addWidget(m_numbers);

    auto *consumer = new QGroupBox(QStringLiteral("Slow consumer"), this);
    m_controls = consumer;
    consumer->setToolTip(StatePresentation::slowConsumerTooltip());
    auto *form = new QFormLayout(consumer);
    m_maxRate = new QSpinBox(consumer);
    m_maxRate->setRange(0, 1 << 30);
    m_maxRate->setSingleStep(1024);
    m_maxRate->setSuffix(QStringLiteral(" B/s"));
    m_maxRate->setSpecialValueText(QStringLiteral("unlimited"));
    m_maxRate->setGroupSeparatorShown(true);
    m_maxRate->setToolTip(StatePresentation::slowConsumerTooltip());
    m_maxRate->setAccessibleName(QStringLiteral("Slow consumer: read at most"));
    form->addRow(QStringLiteral("Read at most:"), m_maxRate);
    auto *hint = new QLabel(QStringLiteral("Reading pauses whenever the reader is ahead of this rate."), consumer);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(hint);
    connect(m_maxRate, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_pipe && m_pipe->slowConsumer())
            m_pipe->slowConsumer()->setMaxRate(value);
    });
    layout->addStretch(1);
    return page;
}

void ReaderPanel::setPipe(LabPipe *pipe)
{
    m_pipe = pipe;
    const bool ours = pipe && pipe->reader();
    m_pages->setCurrentIndex(ours ? 0 : 1);
    m_controls->setVisible(ours);
    if (!ours)
        return;
    const QSignalBlocker block(m_maxRate);
    m_maxRate->setValue(int(pipe->slowConsumer()->maxRate()));
    updatePauseButton();
}

void ReaderPanel::refresh(const LabPipeSnapshot &s)
{
    if (s.readerState == LabPipe::ReaderState::External) {
        m_childInfo->refresh(s);
        return;
    }
    m_state->setLook(StatePresentation::reader(s.readerState), s.readerError);
    m_numbers->setText(QStringLiteral("%1 read · %2").arg(formatBytes(qint64(s.bytesRead)), formatRate(s.readRate)));
    const bool open = s.readerState == LabPipe::ReaderState::Reading
            || s.readerState == LabPipe::ReaderState::Paused
            || s.readerState == LabPipe::ReaderState::Throttled;
    m_pause->setEnabled(open);
    m_close->setEnabled(open);
    m_abort->setEnabled(open);
    m_maxRate->setEnabled(open);
    m_openReader->setVisible(s.readerState == LabPipe::ReaderState::NotOpen);
    updatePauseButton();
}

void ReaderPanel::updatePauseButton()
{
    const bool paused = m_pipe && m_pipe->isPausedByUser();
    const QString text = paused ? QStringLiteral("Resume reading") : QStringLiteral("Pause reading");
    if (m_pause->text() == text)
        return;
    m_pause->setText(text);
    m_pause->setIcon(StatePresentation::icon(paused ? QStringLiteral("reading") : QStringLiteral("paused")));
}

void ReaderPanel::togglePause()
{
    if (!m_pipe || !m_pipe->reader())
        return;
    if (m_pipe->isPausedByUser())
        m_pipe->resumeReading();
    else
        m_pipe->pauseReading();
    updatePauseButton();
}

void ReaderPanel::openReader()
{
    if (!m_pipe)
        return;
    PipeScope::Error error;
    if (!m_pipe->openFifoReader(&error))
        Q_EMIT errorOccurred(QStringLiteral("Open reader: %1").arg(error.message()));
}

} // namespace PipeScope::Ui
