#include "childdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace PipeScope::Ui {

ChildDialog::ChildDialog(const QStringList &commands, QWidget *parent)
    : QDialog(parent), m_command(new QComboBox(this)), m_stderr(new QComboBox(this))
{
    setWindowTitle(QStringLiteral("New child process"));
    auto *layout = new QFormLayout(this);
    auto *intro = new QLabel(QStringLiteral("Its stdin and stdout become two lab pipes."), this);
    intro->setWordWrap(true);
    layout->addRow(intro);
    m_command->setEditable(true);
    m_command->addItems(commands);
    m_command->setAccessibleName(QStringLiteral("Command line"));
    m_command->setMinimumWidth(m_command->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 40);
    layout->addRow(QStringLiteral("&Command line:"), m_command);
    m_stderr->addItem(QStringLiteral("A third lab pipe"), int(ChildProcess::Stream::Pipe));
    m_stderr->addItem(QStringLiteral("Into its stdout pipe (2>&1)"), int(ChildProcess::Stream::MergeWithStdout));
    m_stderr->addItem(QStringLiteral("PipeScope's own stderr (the terminal)"), int(ChildProcess::Stream::Inherit));
    m_stderr->addItem(QStringLiteral("Discarded (/dev/null)"), int(ChildProcess::Stream::Null));
    m_stderr->setAccessibleName(QStringLiteral("Where its stderr goes"));
    layout->addRow(QStringLiteral("&Stderr:"), m_stderr);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addRow(buttons);
}

QString ChildDialog::commandLine() const
{
    return m_command->currentText().trimmed();
}

ChildProcess::Stream ChildDialog::stderrMode() const
{
    return ChildProcess::Stream(m_stderr->currentData().toInt());
}

void ChildDialog::setStderrMode(ChildProcess::Stream mode)
{
    m_stderr->setCurrentIndex(std::max(0, m_stderr->findData(int(mode))));
}

} // namespace PipeScope::Ui
