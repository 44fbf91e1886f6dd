#include "childinfo.h"

#include "labtext.h"

#include "statebadge.h"

#include <QLabel>
#include <QVBoxLayout>

namespace PipeScope::Ui {

ChildInfo::ChildInfo(const QString &role, QWidget *parent)
    : QWidget(parent),
      m_role(role),
      m_badge(new StateBadge(StateBadge::Size::Large, this)),
      m_roleLabel(new QLabel(QStringLiteral("A child process %1.").arg(role), this)),
      m_command(new QLabel(this)),
      m_state(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_badge);
    m_roleLabel->setWordWrap(true);
    layout->addWidget(m_roleLabel);
    m_command->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_command->setWordWrap(true);
    layout->addWidget(m_command);
    m_state->setWordWrap(true);
    m_state->setToolTip(QStringLiteral("From /proc/PID/stat (state letter) and /proc/PID/wchan (the "
                                       "kernel function it sleeps in: anon_pipe_write or "
                                       "anon_pipe_read means it waits on a pipe)."));
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);
    layout->addWidget(m_state);
    layout->addStretch(1);
}

void ChildInfo::refresh(const LabPipeSnapshot &s)
{
    const QString stream = s.kind == LabPipe::Kind::ChildStdin    ? QStringLiteral("stdin")
                           : s.kind == LabPipe::Kind::ChildStderr ? QStringLiteral("stderr")
                                                                  : QStringLiteral("stdout");
    m_roleLabel->setText(QStringLiteral("A child process %1 (it is its %2).").arg(m_role, stream));
    m_badge->setLook(StatePresentation::child(s.childBlocked, s.childRunning));
    m_command->setText(QStringLiteral("<tt>%1</tt> (pid %2)").arg(LabText::elided(s.detail).toHtmlEscaped()).arg(s.childPid));
    m_command->setToolTip(s.detail);
    m_state->setText(s.childState);
}

QString ChildInfo::stateText() const
{
    return m_state->text();
}

} // namespace PipeScope::Ui
