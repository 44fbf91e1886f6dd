#pragma once
/// \file labchild.h
/// A child process in the Pipe Lab (`cat`, `gzip -c`, any command line): its stdin and stdout
/// are two lab pipes, and its own state comes from /proc (running, blocked writing its full
/// stdout, blocked reading its empty stdin, stopped, exited with status).

#include "childprocess.h"
#include "labprocstate.h"

#include <QObject>
#include <QString>

#include <optional>

namespace PipeScope {

class ChildProcess;

class LabChild : public QObject
{
    Q_OBJECT
public:
    /// \a stderrMode: Inherit (PipeScope's own stderr, the terminal), Pipe (a third lab
    /// pipe), MergeWithStdout (into its stdout pipe, as 2>&1) or Null.
    explicit LabChild(const QString &commandLine, ChildProcess::Stream stderrMode = ChildProcess::Stream::Inherit,
                      QObject *parent = nullptr);
    ~LabChild() override;

    /// Runs the command line: directly (PATH lookup, so a missing program is reported at
    /// once) unless it uses shell syntax (| ; & < > $ ` quotes...), then through /bin/sh -c.
    bool start(Error *error);
    /// True if \a commandLine needs /bin/sh to run.
    static bool needsShell(const QString &commandLine);

    QString commandLine() const { return m_commandLine; }
    ChildProcess::Stream stderrMode() const { return m_stderrMode; }
    /// "terminal", "pipe", "stdout" or "null": a lab file's "stderr" value.
    static QString stderrModeName(ChildProcess::Stream mode);
    static std::optional<ChildProcess::Stream> stderrModeFromName(const QString &name);
    /// The program's name, for naming its pipes ("gzip").
    QString programName() const;
    ChildProcess *process() const { return m_process; }
    pid_t pid() const;
    bool isRunning() const;
    /// From /proc while it runs, "exited with status N" / "killed by signal N" afterwards.
    QString stateText() const;
    /// Blocked in the kernel's pipe code right now.
    bool isBlockedOnPipe() const;
    LabProcState procState() const;

    /// Ends the child: SIGTERM (SIGKILL follows at destruction if it is still there).
    void terminate();

Q_SIGNALS:
    void finished(const QString &status);

private:
    QString m_commandLine;
    ChildProcess::Stream m_stderrMode;
    ChildProcess *m_process = nullptr;
};

} // namespace PipeScope
