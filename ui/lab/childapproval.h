#pragma once
/// \file childapproval.h
/// Before a lab file starts its child processes: the command lines it would run through
/// `sh -c`, shown in full, and a choice. A lab file may come from anyone; nothing in it runs
/// until the user has read what it is.

#include <QDialog>
#include <QStringList>

class QPlainTextEdit;

namespace PipeScope::Ui {

class ChildApproval : public QDialog
{
    Q_OBJECT
public:
    ChildApproval(const QString &labPath, const QStringList &commandLines, QWidget *parent = nullptr);

    /// The commands as shown, one a line.
    QString shownCommands() const;
    /// Shows the dialog; true if the user chose to run the commands.
    static bool ask(QWidget *parent, const QString &labPath, const QStringList &commandLines);

private:
    QPlainTextEdit *m_commands;
};

} // namespace PipeScope::Ui
