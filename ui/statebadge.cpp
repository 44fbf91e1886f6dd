#include "statebadge.h"

#include <QHBoxLayout>
#include <QLabel>

namespace PipeScope::Ui {

StateBadge::StateBadge(Size size, QWidget *parent)
    : QWidget(parent), m_size(size), m_icon(new QLabel(this)), m_text(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(size == Size::Large ? 10 : 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setWordWrap(true);
    if (size == Size::Large) {
        QFont font = m_text->font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        font.setBold(true);
        m_text->setFont(font);
    }
}

void StateBadge::setLook(const StateLook &look, const QString &detail)
{
    if (look.word == m_look.word && look.icon == m_look.icon && detail == m_detail)
        return;
    m_look = look;
    m_detail = detail;
    const int extent = m_size == Size::Large ? 32 : 16;
    m_icon->setPixmap(StatePresentation::icon(look.icon).pixmap(extent, extent));
    m_text->setText(text());
    setToolTip(look.tooltip);
    m_text->setToolTip(look.tooltip);
    m_icon->setToolTip(look.tooltip);
}

QString StateBadge::text() const
{
    return m_detail.isEmpty() ? m_look.word : QStringLiteral("%1 — %2").arg(m_look.word, m_detail);
}

} // namespace PipeScope::Ui
