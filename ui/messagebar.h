#pragma once
/// \file messagebar.h
/// A dismissable message strip above the lab (not a modal dialog): bad input and the kernel's
/// refusals are shown here, so nothing stops the event loop and the pipes keep flowing.

#include <QFrame>

class QLabel;
class QToolButton;

namespace PipeScope::Ui {

class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Error, Information };

    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(const QString &text, Kind kind = Kind::Error);
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel *m_icon;
    QLabel *m_text;
    QToolButton *m_close;
    Kind m_kind = Kind::Information;
};

} // namespace PipeScope::Ui
