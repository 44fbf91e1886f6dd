#include "pipeinspector.h"

#include "labtext.h"
#include "readingorder.h"

#include "kernelpanel.h"
#include "livelabel.h"
#include "readerpanel.h"
#include "sparkline.h"
#include "statepresentation.h"
#include "writerpanel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace PipeScope::Ui {

PipeInspector::PipeInspector(QWidget *parent) : QWidget(parent), m_pages(new QStackedWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages->addWidget(createEmptyPage());
    m_pages->addWidget(createPipePage());
    layout->addWidget(m_pages);
    // The panels make their Send, Generator and Slow consumer boxes, laid out here below all
    // three columns: without this Tab went Send → Generator → Capacity → Reader.
    ReadingOrder::apply(this);
}

QWidget *PipeInspector::createEmptyPage()
{
    auto *label = new QLabel(QStringLiteral("<h3>No pipe selected</h3><p>Pick a pipe in the "
                                            "Endpoints list, or make one with Pipe ▸ New.</p>"),
                             this);
    label->setAlignment(Qt::AlignCenter);
    return label;
}

QWidget *PipeInspector::column(const QString &title, const QString &tooltip, QWidget *content)
{
    auto *box = new QGroupBox(title, this);
    box->setToolTip(tooltip);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(content);
    return box;
}

QWidget *PipeInspector::arrow()
{
    auto *label = new QLabel(QStringLiteral("→"), this);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 2.2);
    label->setFont(font);
    label->setAlignment(Qt::AlignCenter);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setToolTip(QStringLiteral("Bytes flow from the writer, through the kernel's buffer, to the reader."));
    return label;
}

QWidget *PipeInspector::createPipePage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *header = new QHBoxLayout;
    m_title = new QLabel(page);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(page);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_remove = new QPushButton(QStringLiteral("Remove pipe"), page);
    m_remove->setToolTip(QStringLiteral("Close both ends and remove this pipe from the lab (a child "
                                        "process is ended with it)."));
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_pipe)
            Q_EMIT removeRequested(m_pipe->id());
    });
    header->addWidget(m_title);
    header->addSpacing(12);
    header->addWidget(m_subtitle, 1);
    header->addWidget(m_remove);
    layout->addLayout(header);

    m_writer = new WriterPanel(page);
    m_kernel = new KernelPanel(page);
    m_reader = new ReaderPanel(page);
    connect(m_writer, &WriterPanel::errorOccurred, this, &PipeInspector::errorOccurred);
    connect(m_kernel, &KernelPanel::errorOccurred, this, &PipeInspector::errorOccurred);
    connect(m_reader, &ReaderPanel::errorOccurred, this, &PipeInspector::errorOccurred);
    auto *flow = new QHBoxLayout;
    flow->addWidget(column(QStringLiteral("Writer"), StatePresentation::transportBufferTooltip(), m_writer), 4);
    flow->addWidget(arrow());
    flow->addWidget(column(QStringLiteral("Kernel pipe buffer"), StatePresentation::kernelBufferTooltip(), m_kernel), 4);
    flow->addWidget(arrow());
    flow->addWidget(column(QStringLiteral("Reader"), QString(), m_reader), 3);
    layout->addLayout(flow);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_writer->controls(), 1);
    // Takes the writer's place when a child holds the write end, so the reader's controls
    // stay under the reader column.
    controls->addStretch(0);
    controls->addWidget(m_reader->controls());
    m_reader->controls()->setMaximumWidth(m_reader->controls()->sizeHint().width() + 80);
    layout->addLayout(controls);

    auto *throughput = new QGroupBox(QStringLiteral("Throughput"), page);
    auto *tl = new QHBoxLayout(throughput);
    m_sparkline = new Sparkline(throughput);
    m_totals = new LiveLabel(QStringLiteral("written 999.9 MiB at 999.9 MiB/s\nread 999.9 MiB at 999.9 MiB/s"), throughput);
    m_totals->setToolTip(QStringLiteral("Totals since the pipe was made; rates over the last second. "
                                        "Written minus read is what the kernel and the transport hold."));
    tl->addWidget(m_sparkline, 1);
    tl->addWidget(m_totals);
    layout->addWidget(throughput, 1);
    return page;
}

void PipeInspector::setPipe(LabPipe *pipe)
{
    m_pipe = pipe;
    m_pages->setCurrentIndex(pipe ? 1 : 0);
    m_writer->setPipe(pipe);
    m_kernel->setPipe(pipe);
    m_reader->setPipe(pipe);
    if (!pipe)
        return;
    m_title->setText(LabText::elided(pipe->name()));
    m_title->setToolTip(pipe->name());
    const QString detail = pipe->fifoPath().isEmpty() ? QString() : QStringLiteral(" at %1").arg(pipe->fifoPath());
    m_subtitle->setText(LabText::elided(LabPipe::kindName(pipe->kind()) + detail));
    m_subtitle->setToolTip(pipe->fifoPath());
    refresh(pipe->snapshot());
}

void PipeInspector::refresh(const LabPipeSnapshot &s)
{
    if (!m_pipe || s.id != m_pipe->id())
        return;
    if (!s.detail.isEmpty() && s.kind != LabPipe::Kind::Fifo)
        m_subtitle->setText(QStringLiteral("%1 of %2 (pid %3)").arg(LabPipe::kindName(s.kind), LabText::elided(s.detail)).arg(s.childPid));
    m_writer->refresh(s);
    m_kernel->refresh(s);
    m_reader->refresh(s);
    m_sparkline->setHistory(m_pipe->history());
    m_totals->setText(QStringLiteral("written %1 at %2\nread %3 at %4")
                              .arg(formatBytes(s.bytesWritten), formatRate(s.writeRate),
                                   formatBytes(qint64(s.bytesRead)), formatRate(s.readRate)));
}

} // namespace PipeScope::Ui
