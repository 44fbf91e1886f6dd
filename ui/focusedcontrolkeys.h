#pragma once
/// \file focusedcontrolkeys.h
/// The keys a focused control owns, whatever the window's shortcuts say. Installed on the
/// application (MainWindow does it). A window-wide single-key shortcut such as the Lab's
/// Space for "Pause / resume reading" does not take Space from a focused control that acts
/// on it: a button or check box (presses, toggles), a combo box (opens its list), an item view
/// (selects the current row), a checkable group box, a text field or spin box (types it).
/// Elsewhere (the page's scroll area, the tab bar, the data view) Space pauses the pipe.
/// Enter or Return presses a focused button, as in a dialog.

#include <QObject>

namespace PipeScope::Ui {

class FocusedControlKeys : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace PipeScope::Ui
