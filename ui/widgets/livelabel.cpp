#include "livelabel.h"

#include <QEvent>
#include <QPainter>

namespace PipeScope::Ui {

LiveLabel::LiveLabel(const QString &sample, QWidget *parent) : QWidget(parent), m_sample(sample)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void LiveLabel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    setAccessibleName(text);
    update();
}

QSize LiveLabel::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    const int lines = int(m_sample.count(u'\n')) + 1;
    int width = 0;
    for (const QString &line : m_sample.split(u'\n'))
        width = std::max(width, metrics.horizontalAdvance(line));
    return { width + 4, metrics.lineSpacing() * lines + 2 };
}

QSize LiveLabel::minimumSizeHint() const
{
    return { fontMetrics().horizontalAdvance(QStringLiteral("0000")), sizeHint().height() };
}

void LiveLabel::changeEvent(QEvent *event)
{
    // A new font changes the size hint; that (rare) change does go through the layout.
    if (event->type() == QEvent::FontChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

void LiveLabel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, foregroundRole()));
    const QRect area = contentsRect().adjusted(1, 1, -1, -1);
    if (m_wordWrap) {
        painter.drawText(area, int(m_alignment) | Qt::TextWordWrap, m_text);
        return;
    }
    if (!m_text.contains(u'\n')) {
        painter.drawText(area, int(m_alignment), fontMetrics().elidedText(m_text, Qt::ElideRight, area.width()));
        return;
    }
    painter.drawText(area, int(m_alignment), m_text);
}

} // namespace PipeScope::Ui
