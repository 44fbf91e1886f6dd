#include "statebadge.h"

#include "livelabel.h"

#include <QGridLayout>
#include <QLabel>

namespace PipeScope::Ui {

StateBadge::StateBadge(Size size, QWidget *parent)
    : QWidget(parent),
      m_size(size),
      m_icon(new QLabel(this)),
      m_word(new LiveLabel(QStringLiteral("waiting for a reader"), this)),
      m_detailLabel(new QLabel(this))
{
    // The word is a LiveLabel: a state that flips many times a second (writing / writing
    // paused under load) repaints it without relaying out the panel around it.
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(size == Size::Large ? 10 : 6);
    layout->setVerticalSpacing(0);
    layout->addWidget(m_icon, 0, 0, 2, 1, Qt::AlignTop);
    layout->addWidget(m_word, 0, 1);
    layout->addWidget(m_detailLabel, 1, 1);
    layout->setColumnStretch(1, 1);
    m_detailLabel->setWordWrap(true);
    m_detailLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailLabel->hide();
    if (size == Size::Large) {
        QFont font = m_word->font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        font.setBold(true);
        m_word->setFont(font);
    }
}

void StateBadge::setLook(const StateLook &look, const QString &detail)
{
    if (look.word == m_look.word && look.icon == m_look.icon && detail == m_detail)
        return;
    const int extent = m_size == Size::Large ? 32 : 16;
    if (look.icon != m_look.icon)
        m_icon->setPixmap(StatePresentation::icon(look.icon).pixmap(extent, extent));
    m_look = look;
    m_word->setText(look.word);
    if (detail != m_detail) {
        m_detail = detail;
        m_detailLabel->setText(detail);
        m_detailLabel->setVisible(!detail.isEmpty());
    }
    for (QWidget *part : { static_cast<QWidget *>(this), static_cast<QWidget *>(m_icon),
                           static_cast<QWidget *>(m_word), static_cast<QWidget *>(m_detailLabel) })
        part->setToolTip(look.tooltip);
}

QString StateBadge::text() const
{
    return m_detail.isEmpty() ? m_look.word : QStringLiteral("%1 — %2").arg(m_look.word, m_detail);
}

} // namespace PipeScope::Ui
