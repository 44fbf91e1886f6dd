#pragma once
/// \file focusedcontrolkeys.h
/// The keys a focused button owns, whatever the window's shortcuts say. Installed on the
/// application (MainWindow does it): a focused button keeps Space (a window-wide shortcut such
/// as the Lab's "Pause / resume reading" does not take it), and Enter or Return presses it, as
/// in a dialog. Other widgets are left alone: in the endpoint list Space still pauses the pipe.

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
