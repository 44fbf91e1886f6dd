#include "writerpanel.h"

#include "childinfo.h"
#include "livelabel.h"
#include "statebadge.h"
#include "writebuffergauge.h"

#include <pipescope/labgenerator.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace PipeScope::Ui {

WriterPanel::WriterPanel(QWidget *parent)
    : QWidget(parent),
      m_pages(new QStackedWidget(this)),
      m_childInfo(new ChildInfo(QStringLiteral("writes into this pipe"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages->addWidget(createOwnPage());
    m_pages->addWidget(m_childInfo);
    layout->addWidget(m_pages);
}

QWidget *WriterPanel::createOwnPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    m_state = new StateBadge(StateBadge::Size::Large, page);
    layout->addWidget(m_state);

    auto *bufferTitle = new QLabel(QStringLiteral("Transport buffer (user space)"), page);
    bufferTitle->setToolTip(StatePresentation::transportBufferTooltip());
    layout->addWidget(bufferTitle);
    m_gauge = new WriteBufferGauge(page);
    layout->addWidget(m_gauge);
    m_numbers = new LiveLabel(QStringLiteral("999.9 MiB buffered · 999.9 MiB written · 999.9 KiB/s"), page);
    m_numbers->setToolTip(QStringLiteral("Buffered: waiting in the transport for room in the pipe. "
                                         "Written: handed to the kernel so far, and at what rate."));
    layout->addWidget(m_numbers);

    auto *buttons = new QHBoxLayout;
    m_eof = new QPushButton(QStringLiteral("Write EOF"), page);
    m_eof->setToolTip(QStringLiteral("Flush the buffer, then close the write end: the reader gets "
                                     "every byte, then end of file."));
    m_close = new QPushButton(QStringLiteral("Close"), page);
    m_close->setToolTip(QStringLiteral("Close the write end after flushing what is buffered."));
    m_abort = new QPushButton(QStringLiteral("Abort"), page);
    m_abort->setToolTip(QStringLiteral("Close the write end now and drop what is buffered."));
    for (QPushButton *button : { m_eof, m_close, m_abort })
        buttons->addWidget(button);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_eof, &QPushButton::clicked, this, [this] { if (m_pipe) m_pipe->writeEof(); });
    connect(m_close, &QPushButton::clicked, this, [this] { if (m_pipe) m_pipe->closeWriter(); });
    connect(m_abort, &QPushButton::clicked, this, [this] { if (m_pipe) m_pipe->abortWriter(); });

    layout->addStretch(1);
    m_controls = new QWidget(this);
    auto *controls = new QHBoxLayout(m_controls);
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(createSendBox(), 3);
    controls->addWidget(createGeneratorBox(), 2);
    return page;
}

QWidget *WriterPanel::createSendBox()
{
    auto *box = new QGroupBox(QStringLiteral("Send into the pipe"), this);
    auto *layout = new QGridLayout(box);
    m_mode = new QComboBox(box);
    m_mode->addItems({ QStringLiteral("Text"), QStringLiteral("Hex"), QStringLiteral("File") });
    m_mode->setToolTip(QStringLiteral("Text as typed, hex bytes (\"de ad be ef\"), or a file's contents."));
    m_input = new QLineEdit(box);
    m_input->setClearButtonEnabled(true);
    // A screen reader names a control by its label; these have none of their own (the combo
    // box's text is its value, the line edit's placeholder goes when typing starts).
    m_mode->setAccessibleName(QStringLiteral("Send as"));
    m_input->setAccessibleName(QStringLiteral("Data to send"));
    m_send = new QPushButton(QStringLiteral("Send"), box);
    m_browse = new QPushButton(QStringLiteral("Browse…"), box);
    m_newline = new QCheckBox(QStringLiteral("Append newline"), box);
    m_newline->setChecked(true);
    layout->addWidget(m_mode, 0, 0);
    layout->addWidget(m_input, 0, 1);
    layout->addWidget(m_send, 0, 2);
    layout->addWidget(m_newline, 1, 1);
    layout->addWidget(m_browse, 1, 2);
    layout->setColumnStretch(1, 1);
    connect(m_send, &QPushButton::clicked, this, &WriterPanel::send);
    connect(m_input, &QLineEdit::returnPressed, this, &WriterPanel::send);
    connect(m_browse, &QPushButton::clicked, this, &WriterPanel::chooseFile);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &WriterPanel::updateSendPlaceholder);
    updateSendPlaceholder();
    return box;
}

QWidget *WriterPanel::createGeneratorBox()
{
    auto *box = new QGroupBox(QStringLiteral("Generator"), this);
    box->setToolTip(StatePresentation::generatorTooltip());
    auto *form = new QFormLayout(box);
    m_rate = new QSpinBox(box);
    m_rate->setRange(0, 1 << 30);
    m_rate->setSingleStep(1024);
    m_rate->setSuffix(QStringLiteral(" B/s"));
    m_rate->setSpecialValueText(QStringLiteral("unlimited"));
    m_rate->setGroupSeparatorShown(true);
    m_rate->setValue(int(LabGenerator::DefaultRate));
    m_chunk = new QSpinBox(box);
    m_chunk->setRange(1, LabGenerator::MaxChunk);
    m_chunk->setSuffix(QStringLiteral(" B per write"));
    m_chunk->setGroupSeparatorShown(true);
    m_chunk->setValue(LabGenerator::DefaultChunk);
    m_pattern = new QComboBox(box);
    m_pattern->addItems({ QStringLiteral("Numbered text lines"), QStringLiteral("Random bytes") });
    m_writesPerSecond = new QLabel(box);
    m_rate->setAccessibleName(QStringLiteral("Generator rate"));
    m_chunk->setAccessibleName(QStringLiteral("Generator chunk size"));
    m_pattern->setAccessibleName(QStringLiteral("Generator data"));
    m_generate = new QPushButton(QStringLiteral("Start"), box);
    auto *rateRow = new QHBoxLayout;
    rateRow->addWidget(m_rate, 1);
    rateRow->addWidget(m_generate);
    form->addRow(QStringLiteral("Rate:"), rateRow);
    form->addRow(QStringLiteral("Chunk:"), m_chunk);
    form->addRow(QStringLiteral("Data:"), m_pattern);
    form->addRow(QString(), m_writesPerSecond);
    m_writesPerSecond->setWordWrap(true);
    connect(m_generate, &QPushButton::clicked, this, &WriterPanel::toggleGenerator);
    connect(m_rate, &QSpinBox::valueChanged, this, &WriterPanel::applyGeneratorSettings);
    connect(m_chunk, &QSpinBox::valueChanged, this, &WriterPanel::applyGeneratorSettings);
    connect(m_pattern, &QComboBox::currentIndexChanged, this, &WriterPanel::applyGeneratorSettings);
    updateWritesPerSecond();
    return box;
}

void WriterPanel::setPipe(LabPipe *pipe)
{
    m_pipe = pipe;
    const bool ours = pipe && pipe->writer();
    m_pages->setCurrentIndex(ours ? 0 : 1);
    m_controls->setVisible(ours);
    if (!ours)
        return;
    const LabGenerator *generator = pipe->generator();
    // Reflect the pipe's settings without writing them back through the change signals.
    const QSignalBlocker blockRate(m_rate), blockChunk(m_chunk), blockPattern(m_pattern);
    m_rate->setValue(int(generator->rate()));
    m_chunk->setValue(generator->chunkSize());
    m_pattern->setCurrentIndex(generator->pattern() == LabGenerator::Pattern::Random ? 1 : 0);
    updateWritesPerSecond();
}

void WriterPanel::refresh(const LabPipeSnapshot &s)
{
    if (s.writerState == LabPipe::WriterState::External) {
        m_childInfo->refresh(s);
        return;
    }
    const QString detail = s.writerState == LabPipe::WriterState::Broken
            ? QStringLiteral("the reader left: %1").arg(s.writerError)
            : s.writerError;
    m_state->setLook(StatePresentation::writer(s.writerState), detail);
    m_gauge->setValues(s.writeBufferSize, s.lowWater, s.highWater);
    m_numbers->setText(QStringLiteral("%1 buffered · %2 written · %3")
                               .arg(formatBytes(s.writeBufferSize), formatBytes(s.bytesWritten),
                                    formatRate(s.writeRate)));
    const bool open = s.writerState == LabPipe::WriterState::Writing
            || s.writerState == LabPipe::WriterState::WritingPaused;
    const bool waiting = s.writerState == LabPipe::WriterState::WaitingForReader;
    m_eof->setEnabled(open);
    m_close->setEnabled(open || waiting || s.writerState == LabPipe::WriterState::Closing);
    m_abort->setEnabled(open || waiting || s.writerState == LabPipe::WriterState::Closing);
    m_send->setEnabled(open || waiting);
    m_generate->setText(s.generatorRunning ? QStringLiteral("Stop") : QStringLiteral("Start"));
}

void WriterPanel::updateSendPlaceholder()
{
    const auto mode = SendMode(m_mode->currentIndex());
    m_input->setPlaceholderText(mode == SendMode::Text  ? QStringLiteral("text to write, then Enter")
                                : mode == SendMode::Hex ? QStringLiteral("hex bytes, e.g. 48 69 0a")
                                                        : QStringLiteral("path of a file to write"));
    m_newline->setEnabled(mode == SendMode::Text);
    m_browse->setEnabled(mode == SendMode::File);
}

void WriterPanel::send()
{
    if (!m_pipe)
        return;
    PipeScope::Error error;
    bool ok = true;
    switch (SendMode(m_mode->currentIndex())) {
    case SendMode::Text:
        m_pipe->send(m_input->text().toUtf8() + (m_newline->isChecked() ? "\n" : ""));
        break;
    case SendMode::Hex:
        ok = m_pipe->sendHex(m_input->text(), &error);
        break;
    case SendMode::File:
        ok = m_pipe->sendFile(m_input->text(), &error);
        break;
    }
    if (!ok) {
        Q_EMIT errorOccurred(QStringLiteral("Send: %1").arg(error.message()));
        return;
    }
    if (SendMode(m_mode->currentIndex()) != SendMode::File)
        m_input->clear();
}

void WriterPanel::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Send a file into the pipe"));
    if (!path.isEmpty())
        m_input->setText(path);
}

void WriterPanel::applyGeneratorSettings()
{
    updateWritesPerSecond();
    if (!m_pipe || !m_pipe->generator())
        return;
    LabGenerator *generator = m_pipe->generator();
    generator->setRate(m_rate->value());
    generator->setChunkSize(m_chunk->value());
    generator->setPattern(m_pattern->currentIndex() == 1 ? LabGenerator::Pattern::Random
                                                         : LabGenerator::Pattern::Text);
}

void WriterPanel::toggleGenerator()
{
    if (!m_pipe || !m_pipe->generator())
        return;
    LabGenerator *generator = m_pipe->generator();
    if (generator->isRunning()) {
        generator->stop();
    } else {
        applyGeneratorSettings();
        generator->start();
    }
    m_generate->setText(generator->isRunning() ? QStringLiteral("Stop") : QStringLiteral("Start"));
}

void WriterPanel::updateWritesPerSecond()
{
    const int rate = m_rate->value();
    m_writesPerSecond->setText(rate == 0
            ? QStringLiteral("as fast as the pipe takes it")
            : QStringLiteral("= %1 writes/s").arg(double(rate) / m_chunk->value(), 0, 'f', 1));
}

} // namespace PipeScope::Ui
