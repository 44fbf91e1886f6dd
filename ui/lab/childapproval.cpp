#include "childapproval.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace PipeScope::Ui {

ChildApproval::ChildApproval(const QString &labPath, const QStringList &commandLines, QWidget *parent)
    : QDialog(parent), m_commands(new QPlainTextEdit(this))
{
    setWindowTitle(QStringLiteral("Run this lab's commands?"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(QStringLiteral("%1 starts %2 child process(es) with these command lines, "
                                            "each run by <tt>sh -c</tt> as you. Run them only if you "
                                            "trust where the lab file came from.")
                                     .arg(labPath.toHtmlEscaped())
                                     .arg(commandLines.size()),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    // Plain text, read-only, not wrapped: every character of the command is what runs.
    m_commands->setReadOnly(true);
    m_commands->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_commands->setPlainText(commandLines.join(u'\n'));
    m_commands->setAccessibleName(QStringLiteral("Commands the lab would run"));
    layout->addWidget(m_commands);
    auto *buttons = new QDialogButtonBox(this);
    QPushButton *run = buttons->addButton(QStringLiteral("Run them"), QDialogButtonBox::AcceptRole);
    QPushButton *skip = buttons->addButton(QStringLiteral("Open without them"), QDialogButtonBox::RejectRole);
    skip->setDefault(true); // Enter must not run commands nobody read
    run->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString ChildApproval::shownCommands() const
{
    return m_commands->toPlainText();
}

bool ChildApproval::ask(QWidget *parent, const QString &labPath, const QStringList &commandLines)
{
    ChildApproval dialog(labPath, commandLines, parent);
    return dialog.exec() == QDialog::Accepted;
}

} // namespace PipeScope::Ui
