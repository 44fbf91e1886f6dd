#pragma once
/// \file labprocstate.h
/// What a lab child process is doing, from /proc/PID/stat and /proc/PID/wchan.
///
/// A process blocked on a pipe sleeps (state S) in the kernel's pipe code: wchan reads
/// anon_pipe_write / anon_pipe_read on Linux ≥ 6.16 and pipe_write / pipe_read before, FIFOs
/// included; wait_for_partner while a FIFO open waits for the other side (kernel-facts §6).

#include <QByteArray>
#include <QString>

#include <sys/types.h>

namespace PipeScope {

class LabProcState
{
public:
    enum class Activity {
        Unknown,         ///< /proc unreadable (or no such process)
        Running,         ///< R: on a CPU or runnable
        Sleeping,        ///< S/D, not in the pipe code
        BlockedWriting,  ///< in write() on a full pipe
        BlockedReading,  ///< in read() on an empty pipe
        WaitingForPartner, ///< in open() of a FIFO with nobody on the other side
        Stopped,         ///< T/t: SIGSTOP or traced
        Zombie,          ///< Z: exited, not reaped yet
    };

    /// Parses the text of /proc/PID/stat (from the last ')': the name may hold ") ") and of
    /// /proc/PID/wchan. An empty or malformed stat gives Unknown.
    static LabProcState parse(const QByteArray &stat, const QByteArray &wchan);
    /// Reads /proc/PID/stat and /proc/PID/wchan under \a procRoot.
    static LabProcState read(pid_t pid, const QString &procRoot = QStringLiteral("/proc"));

    Activity activity() const { return m_activity; }
    /// The one-letter state of stat's third field, or 0.
    char state() const { return m_state; }
    QString wchan() const { return m_wchan; }
    /// The command name from stat's second field (without the parentheses).
    QString name() const { return m_name; }
    /// "blocked writing (its output pipe is full)", "running"... in plain words.
    QString text() const;

private:
    Activity m_activity = Activity::Unknown;
    char m_state = 0;
    QString m_wchan;
    QString m_name;
};

} // namespace PipeScope
