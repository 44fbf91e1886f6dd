#include "tooltipwrap.h"

#include <QHelpEvent>
#include <QTextDocument>
#include <QToolTip>
#include <QWidget>

namespace PipeScope::Ui {

QString ToolTipWrap::wrapped(const QString &tip)
{
    if (tip.size() <= MaximumLineLength || Qt::mightBeRichText(tip))
        return tip;
    // Qt word-wraps a rich-text tooltip; a paragraph of the escaped text is one.
    return QStringLiteral("<p>%1</p>").arg(tip.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
}

bool ToolTipWrap::eventFilter(QObject *watched, QEvent *event)
{
    auto *widget = qobject_cast<QWidget *>(watched);
    if (event->type() != QEvent::ToolTip || !widget || !widget->isWidgetType())
        return QObject::eventFilter(watched, event);
    const QString tip = widget->toolTip();
    const QString shown = wrapped(tip);
    if (shown == tip)
        return QObject::eventFilter(watched, event); // short or rich: Qt shows it as it is
    QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), shown, widget, {},
                       widget->toolTipDuration());
    return true;
}

} // namespace PipeScope::Ui
