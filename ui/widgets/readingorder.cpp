#include "readingorder.h"

#include <QAbstractScrollArea>
#include <QBoxLayout>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QScrollArea>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabBar>
#include <QTabWidget>

#include <algorithm>
#include <tuple>

namespace PipeScope::Ui::ReadingOrder {

namespace {

class Walk
{
public:
    QList<QWidget *> stops;

    void widget(QWidget *w);

private:
    void layout(QLayout *l);
    void children(QWidget *w);
    QSet<QWidget *> m_seen;
};

bool takesTab(const QWidget *w)
{
    return (w->focusPolicy() & Qt::TabFocus) == Qt::TabFocus;
}

/// Containers whose parts are tab stops of their own: a scroll area, a tab widget, a group
/// box (checkable or not). Any other widget that takes Tab (a button, a spin box, a table,
/// the endpoint graph) is one stop: what is inside it is its own business.
bool isContainer(const QWidget *w)
{
    return !takesTab(w) || qobject_cast<const QScrollArea *>(w) || qobject_cast<const QTabWidget *>(w)
            || qobject_cast<const QGroupBox *>(w);
}

/// A layout's items as they are shown: QGridLayout and QFormLayout keep them in insertion
/// order, which need not be row by row.
QList<QLayoutItem *> itemsInReadingOrder(QLayout *l)
{
    QList<std::tuple<int, int, int>> keys; // row, column, index
    for (int i = 0; i < l->count(); ++i) {
        int row = 0, column = i;
        if (auto *grid = qobject_cast<QGridLayout *>(l)) {
            int rowSpan = 0, columnSpan = 0;
            grid->getItemPosition(i, &row, &column, &rowSpan, &columnSpan);
        } else if (auto *form = qobject_cast<QFormLayout *>(l)) {
            QFormLayout::ItemRole role = QFormLayout::LabelRole;
            form->getItemPosition(i, &row, &role);
            column = int(role);
        }
        keys.append({ row, column, i });
    }
    std::sort(keys.begin(), keys.end());
    const auto *box = qobject_cast<QBoxLayout *>(l);
    if (box && (box->direction() == QBoxLayout::RightToLeft || box->direction() == QBoxLayout::BottomToTop))
        std::reverse(keys.begin(), keys.end());
    QList<QLayoutItem *> items;
    for (const auto &key : std::as_const(keys))
        items.append(l->itemAt(std::get<2>(key)));
    return items;
}

void Walk::widget(QWidget *w)
{
    if (!w || m_seen.contains(w))
        return;
    m_seen.insert(w);
    // A tab widget stands for its tab bar (its focus proxy), which comes next.
    if (takesTab(w) && !qobject_cast<QTabWidget *>(w))
        stops.append(w);
    if (isContainer(w))
        children(w);
}

void Walk::children(QWidget *w)
{
    if (auto *scroll = qobject_cast<QScrollArea *>(w))
        return widget(scroll->widget());
    if (auto *tabs = qobject_cast<QTabWidget *>(w)) {
        // The tab bar first, then the pages (QTabWidget lays them out itself).
        widget(tabs->findChild<QTabBar *>(QString(), Qt::FindDirectChildrenOnly));
        for (int i = 0; i < tabs->count(); ++i)
            widget(tabs->widget(i));
        return;
    }
    if (auto *splitter = qobject_cast<QSplitter *>(w)) {
        for (int i = 0; i < splitter->count(); ++i)
            widget(splitter->widget(i));
        return;
    }
    if (auto *stack = qobject_cast<QStackedWidget *>(w)) {
        for (int i = 0; i < stack->count(); ++i)
            widget(stack->widget(i));
        return;
    }
    if (w->layout())
        layout(w->layout());
}

void Walk::layout(QLayout *l)
{
    for (QLayoutItem *item : itemsInReadingOrder(l)) {
        if (item->widget())
            widget(item->widget());
        else if (item->layout())
            layout(item->layout());
    }
}

} // namespace

QList<QWidget *> tabStops(QWidget *root)
{
    Walk walk;
    walk.widget(root);
    return walk.stops;
}

void apply(QWidget *root)
{
    const QList<QWidget *> stops = tabStops(root);
    for (qsizetype i = 1; i < stops.size(); ++i)
        QWidget::setTabOrder(stops.at(i - 1), stops.at(i));
}

} // namespace PipeScope::Ui::ReadingOrder
