#include "focusedcontrolkeys.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QGroupBox>
#include <QKeyEvent>
#include <QPushButton>

namespace PipeScope::Ui {

namespace {

QWidget *focusedControl(QObject *watched)
{
    auto *widget = qobject_cast<QWidget *>(watched);
    return widget && widget->hasFocus() && widget->isEnabled() ? widget : nullptr;
}

/// Whether \a w does something with Space itself. Qt's shortcut map offers a key to the
/// focused widget first (ShortcutOverride), but only text fields claim Space there: a button,
/// a combo box or an item view would lose it to a window's Space shortcut.
bool usesSpace(const QWidget *w)
{
    if (qobject_cast<const QAbstractButton *>(w) || qobject_cast<const QComboBox *>(w)
        || qobject_cast<const QAbstractItemView *>(w))
        return true;
    if (const auto *group = qobject_cast<const QGroupBox *>(w))
        return group->isCheckable();
    return w->testAttribute(Qt::WA_InputMethodEnabled); // line edits, spin boxes, text edits
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
    QWidget *control = focusedControl(watched);
    auto *key = static_cast<QKeyEvent *>(event);
    if (!control || (key->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier)
        return QObject::eventFilter(watched, event);
    auto *button = qobject_cast<QAbstractButton *>(control);
    if (event->type() == QEvent::ShortcutOverride) {
        // Accepting the override tells the shortcut map the key is the widget's.
        if ((key->key() == Qt::Key_Space && usesSpace(control)) || (isEnter(key->key()) && button))
            event->accept();
        return false;
    }
    // A QPushButton presses itself on Enter only when it is a dialog's (autoDefault).
    const auto *push = qobject_cast<QPushButton *>(button);
    if (button && isEnter(key->key()) && !(push && push->autoDefault()) && !button->isCheckable()) {
        button->animateClick();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace PipeScope::Ui
