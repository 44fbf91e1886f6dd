#pragma once
/// \file childprocess.h
/// A child process whose stdin and stdout are pipes we hold, for the transports.
///
/// Unlike QProcess it hands out the raw pipe fds, so a ReadPipeTransport/WritePipeTransport
/// (and the kernel probe) work on the real pipes. Our ends are O_CLOEXEC, so no other child
/// inherits them (a leaked write end would keep the child's stdin from ever seeing EOF).
/// stderr is inherited. Exit is noticed through a pidfd, without a SIGCHLD handler.

#include "pipescopeexport.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <sys/types.h>

class QSocketNotifier;

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT ChildProcess : public QObject
{
    Q_OBJECT
public:
    enum class State { NotStarted, Running, Exited };
    Q_ENUM(State)

    explicit ChildProcess(QObject *parent = nullptr);
    /// Kills (SIGKILL) and reaps a child that is still running.
    ~ChildProcess() override;

    /// Spawns \a program (searched in PATH) with \a arguments. False with errorString() if it
    /// cannot be started (e.g. "cannot run nosuchcmd: No such file or directory").
    bool start(const QString &program, const QStringList &arguments = {});
    /// Runs \a commandLine with /bin/sh -c.
    bool startShell(const QString &commandLine);

    /// Our end of the child's stdin (write) / stdout (read); the caller takes ownership.
    int takeStdinFd();
    int takeStdoutFd();
    /// Our end of the child's stdin / stdout while we still hold it, -1 once taken.
    int stdinFd() const { return m_stdinFd; }
    int stdoutFd() const { return m_stdoutFd; }

    pid_t pid() const { return m_pid; }
    State state() const { return m_state; }
    QString program() const { return m_program; }
    /// After finished(): the exit code, or -1 if a signal ended it.
    int exitCode() const { return m_exitCode; }
    /// After finished(): the signal that ended it, or 0.
    int exitSignal() const { return m_exitSignal; }
    /// "exited with status 0", "killed by signal 13 (Broken pipe)", "running".
    QString statusText() const;
    QString errorString() const { return m_errorString; }

    bool sendSignal(int signal);

Q_SIGNALS:
    void finished(int exitCode, int signal);

private:
    bool spawn(const QByteArray &file, const QList<QByteArray> &argv);
    void watchExit();
    void reap(int options);

    pid_t m_pid = -1;
    int m_pidfd = -1;
    int m_stdinFd = -1;
    int m_stdoutFd = -1;
    State m_state = State::NotStarted;
    int m_exitCode = -1;
    int m_exitSignal = 0;
    QString m_program;
    QString m_errorString;
    QSocketNotifier *m_exitNotifier = nullptr;
};

} // namespace PipeScope
