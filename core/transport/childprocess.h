#pragma once
/// \file childprocess.h
/// A child process whose standard streams are pipes we hold, for the transports.
///
/// Unlike QProcess it hands out the raw pipe fds, so a ReadPipeTransport/WritePipeTransport
/// (and the kernel probe) work on the real pipes. Our ends are O_CLOEXEC, so no other child
/// inherits them (a leaked write end would keep the child's stdin from ever seeing EOF).
/// By default stdin and stdout are pipes and stderr is inherited; each stream can instead be a
/// pipe, inherited, /dev/null, or (stderr) the same pipe or file as stdout, like asyncio's
/// create_subprocess_exec and libuv's uv_spawn. Every other fd is closed in the child except
/// those passed with setPassFds(). Exit is noticed through a pidfd, without a SIGCHLD handler.

#include "error.h"
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
    /// What one of the child's standard streams is connected to.
    enum class Stream {
        Pipe,           ///< a new pipe; we hold the other end (stdinFd(), stdoutFd(), stderrFd())
        Inherit,        ///< our own fd 0, 1 or 2
        Null,           ///< /dev/null
        MergeWithStdout ///< stderr only: a copy of the child's stdout, whatever that is
    };
    Q_ENUM(Stream)

    explicit ChildProcess(QObject *parent = nullptr);
    /// Kills (SIGKILL) and reaps a child that is still running.
    ~ChildProcess() override;

    /// Spawns \a program (searched in PATH) with \a arguments. False with errorString() if it
    /// cannot be started (e.g. "cannot run nosuchcmd: No such file or directory").
    bool start(const QString &program, const QStringList &arguments = {});
    /// Runs \a commandLine with /bin/sh -c.
    bool startShell(const QString &commandLine);

    /// Before start(): how the child's stdin, stdout and stderr are connected (defaults: Pipe,
    /// Pipe, Inherit). start() refuses MergeWithStdout for stdin or stdout.
    void setStdinMode(Stream mode) { m_modes[0] = mode; }
    void setStdoutMode(Stream mode) { m_modes[1] = mode; }
    void setStderrMode(Stream mode) { m_modes[2] = mode; }
    /// Before start(): the child's stdin is a copy of \a fd (a file, a pipe end, a socket)
    /// instead of what setStdinMode() says; \a fd stays ours, open. -1 goes back to the mode.
    /// start() refuses an fd that is not open.
    void setStdinFd(int fd) { m_stdinSource = fd; }
    /// Before start(): fds the child keeps open at the same numbers (each above 2); every
    /// other fd above 2 is still closed. start() refuses one that is not open or is 0-2.
    void setPassFds(const QList<int> &fds) { m_passFds = fds; }

    /// Our end of the child's stdin (write) / stdout / stderr (read) when that stream is a
    /// Pipe; the caller takes ownership.
    int takeStdinFd();
    int takeStdoutFd();
    int takeStderrFd();
    /// Our end of the child's stdin / stdout / stderr while we still hold it, -1 once taken
    /// or when the stream is not a Pipe.
    int stdinFd() const { return m_stdinFd; }
    int stdoutFd() const { return m_stdoutFd; }
    int stderrFd() const { return m_stderrFd; }

    pid_t pid() const { return m_pid; }
    State state() const { return m_state; }
    QString program() const { return m_program; }
    /// After finished(): the exit code, or -1 if a signal ended it.
    int exitCode() const { return m_exitCode; }
    /// After finished(): the signal that ended it, or 0.
    int exitSignal() const { return m_exitSignal; }
    /// "exited with status 0", "killed by signal 13 (Broken pipe)", "running".
    QString statusText() const;
    QString errorString() const { return m_error.message(); }
    /// The last failure (errorString() and its errno); empty if none.
    const Error &lastError() const { return m_error; }

    bool sendSignal(int signal);

Q_SIGNALS:
    void finished(int exitCode, int signal);

private:
    bool spawn(const QByteArray &file, const QList<QByteArray> &argv);
    Error refusal() const;
    void watchExit();
    void reap(int options);

    pid_t m_pid = -1;
    int m_pidfd = -1;
    int m_stdinFd = -1;
    int m_stdoutFd = -1;
    int m_stderrFd = -1;
    Stream m_modes[3] = { Stream::Pipe, Stream::Pipe, Stream::Inherit };
    int m_stdinSource = -1;
    QList<int> m_passFds;
    State m_state = State::NotStarted;
    int m_exitCode = -1;
    int m_exitSignal = 0;
    QString m_program;
    Error m_error;
    QSocketNotifier *m_exitNotifier = nullptr;
};

} // namespace PipeScope
