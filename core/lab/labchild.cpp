#include "labchild.h"

#include "childprocess.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

#include <csignal>

namespace PipeScope {

LabChild::LabChild(const QString &commandLine, ChildProcess::Stream stderrMode, QObject *parent)
    : QObject(parent), m_commandLine(commandLine.trimmed()), m_stderrMode(stderrMode),
      m_process(new ChildProcess(this))
{
    connect(m_process, &ChildProcess::finished, this,
            [this](int, int) { Q_EMIT finished(m_process->statusText()); });
}

LabChild::~LabChild() = default; // ChildProcess kills and reaps a child still running

bool LabChild::needsShell(const QString &commandLine)
{
    static const QRegularExpression shellSyntax(QStringLiteral("[|;&<>$`\\\\\"'*?(){}~]"));
    return commandLine.contains(shellSyntax);
}

bool LabChild::start(Error *error)
{
    bool ok = false;
    if (m_commandLine.isEmpty()) {
        if (error)
            *error = Error(QStringLiteral("empty command line"));
        return false;
    }
    m_process->setStderrMode(m_stderrMode);
    if (needsShell(m_commandLine)) {
        ok = m_process->startShell(m_commandLine);
    } else {
        QStringList words = QProcess::splitCommand(m_commandLine);
        const QString program = words.takeFirst();
        ok = m_process->start(program, words);
    }
    if (!ok && error)
        *error = m_process->lastError();
    return ok;
}

namespace {

const std::pair<ChildProcess::Stream, const char *> StderrNames[] = {
    { ChildProcess::Stream::Inherit, "terminal" },
    { ChildProcess::Stream::Pipe, "pipe" },
    { ChildProcess::Stream::MergeWithStdout, "stdout" },
    { ChildProcess::Stream::Null, "null" },
};

} // namespace

QString LabChild::stderrModeName(ChildProcess::Stream mode)
{
    for (const auto &[known, name] : StderrNames) {
        if (known == mode)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<ChildProcess::Stream> LabChild::stderrModeFromName(const QString &name)
{
    for (const auto &[mode, known] : StderrNames) {
        if (name == QLatin1String(known))
            return mode;
    }
    return std::nullopt;
}

QString LabChild::programName() const
{
    // The first word also for shell command lines: "grep x | wc" is named after grep.
    const QString first = m_commandLine.section(u' ', 0, 0, QString::SectionSkipEmpty);
    return QFileInfo(first).fileName();
}

pid_t LabChild::pid() const
{
    return m_process->pid();
}

bool LabChild::isRunning() const
{
    return m_process->state() == ChildProcess::State::Running;
}

LabProcState LabChild::procState() const
{
    return isRunning() ? LabProcState::read(pid()) : LabProcState();
}

QString LabChild::stateText() const
{
    switch (m_process->state()) {
    case ChildProcess::State::NotStarted:
        return QStringLiteral("not started");
    case ChildProcess::State::Exited:
        return m_process->statusText();
    case ChildProcess::State::Running:
        break;
    }
    return procState().text();
}

bool LabChild::isBlockedOnPipe() const
{
    const LabProcState::Activity activity = procState().activity();
    return activity == LabProcState::Activity::BlockedReading
            || activity == LabProcState::Activity::BlockedWriting;
}

void LabChild::terminate()
{
    if (isRunning())
        m_process->sendSignal(SIGTERM);
}

} // namespace PipeScope
