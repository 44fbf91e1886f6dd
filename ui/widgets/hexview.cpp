#include "hexview.h"

#include "statepresentation.h"

#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace PipeScope::Ui {

HexView::HexView(QWidget *parent) : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    setAccessibleName(QStringLiteral("Data view"));
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_follow = value == m_followLine || value >= verticalScrollBar()->maximum();
    });
}

void HexView::setData(const QByteArray &received, quint64 offset, const QByteArray &peek,
                      const QString &peekError)
{
    if (received == m_received && offset == m_offset && peek == m_peek && peekError == m_peekError)
        return;
    m_received = received;
    m_offset = offset;
    m_peek = peek;
    m_peekError = peekError;
    updateScrollBars();
    viewport()->update();
}

int HexView::receivedLines() const
{
    if (m_received.isEmpty())
        return 1; // "nothing received yet"
    const quint64 first = m_offset / BytesPerLine;
    const quint64 last = (m_offset + quint64(m_received.size()) - 1) / BytesPerLine;
    return int(last - first + 1);
}

int HexView::lineCount() const
{
    const int peekLines = (m_peek.size() + BytesPerLine - 1) / BytesPerLine;
    return receivedLines() + 1 + peekLines;
}

bool HexView::isPeekLine(int line) const
{
    return line >= receivedLines();
}

QString HexView::dumpLine(const QByteArray &bytes, quint64 base, quint64 lineStart) const
{
    QString hex;
    QString text;
    for (int i = 0; i < BytesPerLine; ++i) {
        const quint64 at = lineStart + quint64(i);
        const bool present = at >= base && at < base + quint64(bytes.size());
        if (i == 8)
            hex += u' ';
        if (!present) {
            hex += QStringLiteral("   ");
            text += u' ';
            continue;
        }
        const auto byte = uchar(bytes.at(qsizetype(at - base)));
        hex += QStringLiteral("%1 ").arg(byte, 2, 16, QLatin1Char('0'));
        text += byte >= 0x20 && byte < 0x7f ? QChar(char16_t(byte)) : QChar(u'·');
    }
    return QStringLiteral("%1  %2 |%3|").arg(lineStart, 8, 16, QLatin1Char('0')).arg(hex, text);
}

QString HexView::peekHeader() const
{
    if (!m_peekError.isEmpty())
        return QStringLiteral("── kernel queue: %1 ──").arg(m_peekError);
    if (m_peek.isEmpty())
        return QStringLiteral("── nothing queued in the kernel ──");
    return QStringLiteral("── still queued in the kernel (peek, not read yet): first %1 ──")
            .arg(formatBytes(m_peek.size()));
}

QString HexView::lineText(int line) const
{
    const int received = receivedLines();
    if (line < received) {
        if (m_received.isEmpty())
            return QStringLiteral("nothing received yet");
        const quint64 start = (m_offset / BytesPerLine + quint64(line)) * BytesPerLine;
        return dumpLine(m_received, m_offset, start);
    }
    if (line == received)
        return peekHeader();
    const quint64 peekBase = m_offset + quint64(m_received.size());
    // Peek lines are aligned to the peek's own start: they are not in the stream offsets yet.
    const quint64 start = peekBase + quint64(line - received - 1) * BytesPerLine;
    return dumpLine(m_peek, peekBase, start);
}

void HexView::updateScrollBars()
{
    const int lineHeight = fontMetrics().lineSpacing();
    const int visible = std::max(1, viewport()->height() / lineHeight);
    verticalScrollBar()->setRange(0, std::max(0, lineCount() - visible));
    verticalScrollBar()->setPageStep(visible);
    const int width = fontMetrics().horizontalAdvance(QLatin1Char('0')) * 80;
    horizontalScrollBar()->setRange(0, std::max(0, width - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    // Follow new data only if the user has not scrolled up to look at something.
    if (m_follow) {
        const QSignalBlocker block(verticalScrollBar());
        m_followLine = followLine();
        verticalScrollBar()->setValue(m_followLine);
    }
}

int HexView::followLine() const
{
    // The newest received lines at the top third, then the line that starts the kernel's
    // queue: what was read and what is still waiting, side by side.
    const int visible = verticalScrollBar()->pageStep();
    if (m_peek.isEmpty())
        return verticalScrollBar()->maximum();
    return std::clamp(receivedLines() - visible / 3, 0, verticalScrollBar()->maximum());
}

void HexView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void HexView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const int lineHeight = fontMetrics().lineSpacing();
    const int first = verticalScrollBar()->value();
    const int x = 6 - horizontalScrollBar()->value();
    const int count = viewport()->height() / lineHeight + 2;
    for (int i = 0; i < count && first + i < lineCount(); ++i) {
        const int line = first + i;
        const QRect row(0, i * lineHeight, viewport()->width(), lineHeight);
        const bool peekLine = isPeekLine(line);
        if (peekLine) {
            // Queued bytes: tinted, with a bar in the margin, so they never pass for read ones.
            QColor tint = palette().color(QPalette::Highlight);
            tint.setAlpha(40);
            painter.fillRect(row, tint);
            painter.fillRect(QRect(0, row.top(), 4, lineHeight), palette().color(QPalette::Highlight));
        }
        QFont font = painter.font();
        font.setItalic(peekLine);
        painter.setFont(font);
        painter.setPen(palette().color(peekLine && line == receivedLines() ? QPalette::PlaceholderText
                                                                            : QPalette::Text));
        painter.drawText(QRect(x, row.top(), 10000, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         lineText(line));
    }
}

} // namespace PipeScope::Ui
