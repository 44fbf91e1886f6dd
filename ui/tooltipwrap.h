#pragma once
/// \file tooltipwrap.h
/// Plain-text tooltips are drawn by Qt on one line however long they are (a long explanation
/// became a line 1,100 px wide). Installed on the application (MainWindow does it), this shows
/// a long plain tooltip as a paragraph instead, which Qt wraps at a readable width.

#include <QObject>

namespace PipeScope::Ui {

class ToolTipWrap : public QObject
{
    Q_OBJECT
public:
    /// Longer plain tooltips than this many characters are wrapped.
    static constexpr int MaximumLineLength = 60;

    using QObject::QObject;

    /// \a tip as Qt should show it: a long plain text as an escaped paragraph, else unchanged.
    static QString wrapped(const QString &tip);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace PipeScope::Ui
