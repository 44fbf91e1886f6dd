#pragma once
/// \file readingorder.h
/// Tab follows the page as it reads. Qt chains focus in creation order, which leaves the
/// screen as soon as a panel is built out of order: the Lab's Send and Generator boxes are
/// made by the writer panel but laid out below all three columns, a toolbar is made after the
/// views under it. These functions walk the layouts instead, so a control added later gets
/// its place from where it is laid out, with no list of widgets to keep in step.

#include <QList>

class QWidget;

namespace PipeScope::Ui::ReadingOrder {

/// The widgets under \a root (and \a root itself) that Tab stops at, in the order its
/// layouts show them: box layouts in their direction, grids and forms row by row, then
/// splitters, stacked and tab widgets page by page, a scroll area's contents. Hidden and
/// disabled widgets are included (they keep their place for when they are shown); a control
/// such as a spin box or a table is one stop, its inner parts are its own.
QList<QWidget *> tabStops(QWidget *root);

/// Chains tabStops(\a root) with QWidget::setTabOrder. Call it once the layouts are built,
/// and again when a part of the page is rebuilt (the Pipeline page's stage boxes).
void apply(QWidget *root);

} // namespace PipeScope::Ui::ReadingOrder
