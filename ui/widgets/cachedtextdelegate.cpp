#include "cachedtextdelegate.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace PipeScope::Ui {

namespace {

/// \a text cut to what a cell of \a room could ever show: no glyph is narrower than a pixel,
/// so a line of more characters than the cell has pixels is elided anyway. Shaping and
/// eliding a 10 MB name (a hostile lab file) took the GUI 40 s; this keeps it to the cell.
QString boundedForCell(const QString &text, const QSize &room)
{
    const qsizetype columns = std::max(room.width(), 1) + 2;
    const qsizetype rows = std::max(room.height(), 1) + 1;
    if (text.size() <= columns)
        return text;
    QStringList lines;
    for (qsizetype start = 0; start <= text.size() && lines.size() < rows;) {
        qsizetype end = text.indexOf(u'\n', start);
        if (end < 0)
            end = text.size();
        lines << text.mid(start, std::min(end - start, columns));
        start = end + 1;
    }
    return lines.join(u'\n');
}

} // namespace

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
    if (text.size() > textRect.width() + 2) {
        // Too long to fit: the style elides it as QStyledItemDelegate has it do, given no
        // more of it than the cell can show.
        opt.text = boundedForCell(text, textRect.size());
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        return;
    }
    if (text.contains(u'\n')) {
        QStyledItemDelegate::paint(painter, option, index); // lines: the usual path
        return;
    }
    const QStaticText &prepared = staticText(text, opt.font);
    if (prepared.size().width() > textRect.width()) {
        opt.text = text; // needs eliding: the usual path
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
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
