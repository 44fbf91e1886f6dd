#pragma once
/// \file cachedtextdelegate.h
/// An item delegate that keeps the shaped text of cells (QStaticText) between paints.
///
/// The endpoints tree and the timeline repaint every visible cell on each refresh, and text
/// shaping (HarfBuzz) was most of that cost; their texts repeat ("reading", "16 KiB/s",
/// "dataReceived"), so a cache of prepared texts removes it. Elided cells take the usual path
/// (the style elides them with the view's textElideMode, as QStyledItemDelegate does), given
/// no more of the text than the cell could show, so a 10 MB name costs no more than a short one.

#include <QFont>
#include <QHash>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace PipeScope::Ui {

class CachedTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    static constexpr int MaxCachedTexts = 4096;

    explicit CachedTextDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    const QStaticText &staticText(const QString &text, const QFont &font) const;

    mutable QHash<QString, QStaticText> m_cache;
    mutable QFont m_font;
};

} // namespace PipeScope::Ui
