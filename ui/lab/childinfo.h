#pragma once
/// \file childinfo.h
/// A child process holding the other end of a lab pipe: command, pid and what /proc says it
/// is doing (blocked writing its full stdout, blocked reading its empty stdin, exited...).

#include <pipescope/labpipe.h>

#include <QWidget>

class QLabel;

namespace PipeScope::Ui {

class StateBadge;

class ChildInfo : public QWidget
{
    Q_OBJECT
public:
    /// \a role: "writes into this pipe" or "reads this pipe"; which of the child's streams
    /// the pipe is (stdin, stdout, stderr) follows from the snapshot.
    ChildInfo(const QString &role, QWidget *parent = nullptr);
    void refresh(const LabPipeSnapshot &s);
    QString stateText() const;

private:
    QString m_role;
    StateBadge *m_badge;
    QLabel *m_roleLabel;
    QLabel *m_command;
    QLabel *m_state;
};

} // namespace PipeScope::Ui
