#pragma once
/// \file childdialog.h
/// Pipe ▸ New child process: a command line, and where its stderr goes. Its stdin and stdout
/// always become two lab pipes; stderr as a third one (the default) shows a program's
/// complaints (`gzip: stdin: not in gzip format`) in the lab instead of PipeScope's terminal.

#include <pipescope/childprocess.h>

#include <QDialog>

class QComboBox;

namespace PipeScope::Ui {

class ChildDialog : public QDialog
{
    Q_OBJECT
public:
    ChildDialog(const QStringList &commands, QWidget *parent = nullptr);

    QString commandLine() const;
    ChildProcess::Stream stderrMode() const;
    void setStderrMode(ChildProcess::Stream mode);

private:
    QComboBox *m_command;
    QComboBox *m_stderr;
};

} // namespace PipeScope::Ui
