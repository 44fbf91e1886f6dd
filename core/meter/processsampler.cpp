#include "processsampler.h"

#include "sys.h"

#include <QByteArray>

#include <fcntl.h>

namespace PipeScope {

namespace {

int openIn(int procFd, qint64 pid, const char *file)
{
    const QByteArray path = QByteArray::number(pid) + '/' + file;
    return Sys::retryOnEintr([&] { return ::openat(procFd, path.constData(), O_RDONLY | O_CLOEXEC); });
}

/// One pread at offset 0: procfs fills the buffer in one call for these one-record files.
std::optional<QByteArray> readAtStart(const Fd &fd, Error *error)
{
    if (!fd)
        return std::nullopt;
    char buffer[1024];
    const ssize_t n = Sys::pread(fd.get(), buffer, sizeof buffer, 0);
    if (n < 0) {
        Error::report(error, Error::fromErrno(errno));
        return std::nullopt;
    }
    return QByteArray(buffer, int(n));
}

bool isSleeping(char state)
{
    return state == 'S' || state == 'D';
}

} // namespace

ProcessSampler::ProcessSampler(int procFd, qint64 pid)
    : m_pid(pid)
{
    m_stat.reset(openIn(procFd, pid, "stat"));
    if (!m_stat) {
        m_openError = errno;
        return;
    }
    // These may be refused (another user's process): the stage is then read from stat alone.
    m_wchan.reset(openIn(procFd, pid, "wchan"));
    m_io.reset(openIn(procFd, pid, "io"));
    m_schedstat.reset(openIn(procFd, pid, "schedstat"));
}

ProcessReading ProcessSampler::read() const
{
    ProcessReading reading;
    Error error;
    const std::optional<QByteArray> stat = readAtStart(m_stat, &error);
    const std::optional<ProcStat> parsed = stat ? ProcParsers::parseStat(*stat) : std::nullopt;
    if (!parsed) {
        reading.error = Error::fromErrno(stat ? EINVAL : (error ? error.code() : m_openError));
        return reading;
    }
    reading.ok = true;
    reading.stat = *parsed;
    if (isSleeping(parsed->state)) {
        if (const auto wchan = readAtStart(m_wchan, &error))
            reading.wchan = withoutCompilerSuffix(ProcParsers::parseWchan(*wchan));
        // wchan reads "0" once the task runs: it woke between the two reads. Read the state
        // again rather than report "asleep, nobody knows where" (a busy stage flips between
        // R and a pipe wait thousands of times a second, so this race is common).
        if (reading.wchan.isEmpty() && m_wchan) {
            const std::optional<QByteArray> again = readAtStart(m_stat, &error);
            if (const std::optional<ProcStat> now = again ? ProcParsers::parseStat(*again) : std::nullopt)
                reading.stat = *now;
        }
    }
    if (const auto io = readAtStart(m_io, &error))
        reading.io = ProcParsers::parseIo(*io);
    if (const auto sched = readAtStart(m_schedstat, &error))
        reading.sched = ProcParsers::parseSchedstat(*sched);
    return reading;
}

QString ProcessSampler::withoutCompilerSuffix(const QString &symbol)
{
    // GCC clones a function under a suffixed name; the kernel's wchan shows the clone.
    const qsizetype dot = symbol.indexOf(u'.');
    return dot > 0 ? symbol.left(dot) : symbol;
}

} // namespace PipeScope
