#include "datapanel.h"

#include "hexview.h"
#include "livelabel.h"
#include "statepresentation.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace PipeScope::Ui {

DataPanel::DataPanel(QWidget *parent)
    : QWidget(parent),
      m_summary(new LiveLabel(QStringLiteral("a long pipe name: the last 16 KiB of 999.9 MiB received"), this)),
      m_peek(new QCheckBox(QStringLiteral("Show the kernel queue (peek)"), this)),
      m_view(new HexView(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *header = new QHBoxLayout;
    header->addWidget(m_summary, 1);
    m_peek->setChecked(true);
    m_peek->setToolTip(StatePresentation::peekTooltip());
    header->addWidget(m_peek);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    connect(m_peek, &QCheckBox::toggled, this, &DataPanel::refresh);
}

void DataPanel::setPipe(LabPipe *pipe)
{
    m_pipe = pipe;
    refresh();
}

void DataPanel::refresh()
{
    if (!m_pipe) {
        m_summary->setText(QStringLiteral("No pipe selected"));
        m_view->setData({}, 0, {}, QStringLiteral("no pipe"));
        return;
    }
    const QByteArray tail = m_pipe->receivedTail();
    m_summary->setText(QStringLiteral("%1: the last %2 of %3 received")
                               .arg(m_pipe->name(), formatBytes(tail.size()),
                                    formatBytes(qint64(m_pipe->bytesRead()))));
    QByteArray peek;
    PipeScope::Error peekError;
    if (!m_peek->isChecked()) {
        peekError = PipeScope::Error(QStringLiteral("peek off"));
    } else if (const std::optional<QByteArray> bytes = m_pipe->peek(PeekBytes, &peekError)) {
        peek = *bytes;
    }
    m_view->setData(tail, m_pipe->receivedTailOffset(), peek, peekError.message());
}

} // namespace PipeScope::Ui
