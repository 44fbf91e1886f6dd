#include "focusedcontrolkeys.h"

#include <QAbstractButton>
#include <QKeyEvent>
#include <QPushButton>

namespace PipeScope::Ui {

namespace {

QAbstractButton *focusedButton(QObject *watched)
{
    auto *button = qobject_cast<QAbstractButton *>(watched);
    return button && button->hasFocus() && button->isEnabled() ? button : nullptr;
}

bool isEnter(int key)
{
    return key == Qt::Key_Return || key == Qt::Key_Enter;
}

} // namespace

bool FocusedControlKeys::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress)
        return QObject::eventFilter(watched, event);
    QAbstractButton *button = focusedButton(watched);
    auto *key = static_cast<QKeyEvent *>(event);
    if (!button || (key->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier)
        return QObject::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) {
        // Accepting the override tells the shortcut map the key is the widget's.
        if (key->key() == Qt::Key_Space || isEnter(key->key()))
            event->accept();
        return false;
    }
    // A QPushButton presses itself on Enter only when it is a dialog's (autoDefault).
    const auto *push = qobject_cast<QPushButton *>(button);
    if (isEnter(key->key()) && !(push && push->autoDefault()) && !button->isCheckable()) {
        button->animateClick();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace PipeScope::Ui
