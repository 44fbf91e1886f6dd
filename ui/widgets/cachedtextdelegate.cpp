#include "cachedtextdelegate.h"

#include <QApplication>
#include <QPainter>

namespace PipeScope::Ui {

CachedTextDelegate::CachedTextDelegate(QObject *parent) : QStyledItemDelegate(parent) { }

const QStaticText &CachedTextDelegate::staticText(const QString &text, const QFont &font) const
{
    if (font != m_font || m_cache.size() > MaxCachedTexts) {
        m_cache.clear();
        m_font = font;
    }
    auto it = m_cache.find(text);
    if (it == m_cache.end()) {
        QStaticText prepared(text);
        prepared.setTextFormat(Qt::PlainText);
        prepared.setPerformanceHint(QStaticText::AggressiveCaching);
        prepared.prepare(QTransform(), font);
        it = m_cache.insert(text, prepared);
    }
    return it.value();
}

void CachedTextDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    const QString text = opt.text;
    // Asked with the text in, the style lays the text out to measure it (the very cost this
    // class avoids); without it, it only places the icon, and the text goes after that.
    opt.text.clear();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, &opt, widget) + 1;
    QRect textRect = opt.rect.adjusted(margin, 0, -margin, 0);
    if (opt.features & QStyleOptionViewItem::HasDecoration) {
        const QRect icon = style->subElementRect(QStyle::SE_ItemViewItemDecoration, &opt, widget);
        textRect.setLeft(icon.right() + 1 + 2 * margin);
    }
    const QStaticText &prepared = staticText(text, opt.font);
    if (text.contains(u'\n') || prepared.size().width() > textRect.width()) {
        QStyledItemDelegate::paint(painter, option, index); // needs eliding: the usual path
        return;
    }
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
            : (opt.state & QStyle::State_Active)                            ? QPalette::Active
                                                                            : QPalette::Inactive;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, (opt.state & QStyle::State_Selected) ? QPalette::HighlightedText
                                                                                   : QPalette::Text));
    const QSizeF size = prepared.size();
    qreal x = textRect.left();
    if (opt.displayAlignment & Qt::AlignRight)
        x = textRect.right() + 1 - size.width();
    else if (opt.displayAlignment & Qt::AlignHCenter)
        x = textRect.left() + (textRect.width() - size.width()) / 2;
    const qreal y = textRect.top() + (textRect.height() - size.height()) / 2;
    painter->drawStaticText(QPointF(x, y), prepared);
    painter->restore();
}

} // namespace PipeScope::Ui
