#include "lessoncontext.h"

#include "childprocess.h"
#include "pipediagnostics.h"
#include "pipeprobe.h"
#include "procscanner.h"
#include "sys.h"

#include <QCoreApplication>
#include <QFile>

#include <QTemporaryDir>

#include <csignal>
#include <sys/stat.h>
#include <cstring>

namespace PipeScope {

LessonContext::LessonContext(QObject *parent) : QObject(parent)
{
    // The transports' policy (pipetransport.h): ignore SIGPIPE only if nobody chose a
    // disposition, so EPIPE reaches the step as an errno it can show.
    struct sigaction current { };
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
        ::signal(SIGPIPE, SIG_IGN);
}

LessonContext::~LessonContext()
{
    cleanup();
}

LessonWait &LessonContext::when(LessonWait::Condition condition, int timeoutMs,
                                LessonWait::Next next)
{
    return *new LessonWait(std::move(condition), timeoutMs, std::move(next), this);
}

void LessonContext::after(int ms, std::function<void()> next)
{
    when([] { return false; }, ms, [next = std::move(next)](bool) { next(); });
}

LessonWait &LessonContext::whenExited(LessonProcess *process, int timeoutMs,
                                      LessonWait::Next next)
{
    return when([process] { return !process->isRunning(); }, timeoutMs, std::move(next))
        .recheckOn(process, &LessonProcess::finished);
}

std::optional<PipeFds> LessonContext::makePipe(Error *error, int flags)
{
    int fds[2];
    if (Sys::pipe2(fds, flags) != 0) {
        *error = Error::fromErrno(errno, QStringLiteral("pipe2"));
        return std::nullopt;
    }
    m_fds << fds[0] << fds[1];
    notePipe(fds[0]);
    return PipeFds {fds[0], fds[1]};
}

int LessonContext::adoptFd(int fd)
{
    if (fd >= 0 && !m_fds.contains(fd)) {
        m_fds << fd;
        notePipe(fd);
    }
    return fd;
}

void LessonContext::closeFd(int &fd)
{
    if (fd < 0)
        return;
    m_fds.removeAll(fd);
    Sys::close(fd);
    fd = -1;
}

int LessonContext::releaseFd(int fd)
{
    m_fds.removeAll(fd);
    return fd;
}

LessonProcess *LessonContext::spawn(const LessonProcess::Spec &spec, Error *error)
{
    auto *process = new LessonProcess(this);
    if (!process->start(spec, error)) {
        delete process;
        return nullptr;
    }
    m_children << process;
    m_pids << process->pid();
    return process;
}

ChildProcess *LessonContext::startChild(const QString &program, const QStringList &arguments,
                                        Error *error)
{
    auto *child = new ChildProcess(this);
    if (!child->start(program, arguments)) {
        *error = child->lastError();
        delete child;
        return nullptr;
    }
    m_children << child;
    m_pids << child->pid();
    notePipe(child->stdinFd());
    notePipe(child->stdoutFd());
    return child;
}

void LessonContext::notePipe(int fd)
{
    const PipeSample sample = PipeProbe::forFd(fd).sample();
    if (!sample.ok)
        return; // not a pipe: a file, /dev/null
    const PipeKey key = sample.isFifo ? PipeKey {PipeKind::Fifo, sample.device, sample.inode}
                                      : PipeKey {PipeKind::Pipe, 0, sample.inode};
    if (!m_pipeKeys.contains(key))
        m_pipeKeys << key;
}

void LessonContext::noteFifo(const QString &path)
{
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISFIFO(st.st_mode))
        return;
    const PipeKey key {PipeKind::Fifo, quint64(st.st_dev), quint64(st.st_ino)};
    if (!m_pipeKeys.contains(key))
        m_pipeKeys << key;
}

QList<qint64> LessonContext::unreapedPids() const
{
    QList<qint64> pids;
    for (const QPointer<QObject> &child : m_children) {
        if (auto *process = qobject_cast<LessonProcess *>(child.data())) {
            if (process->isRunning()) // reaps an exited one (WNOHANG)
                pids << process->pid();
        } else if (auto *process = qobject_cast<ChildProcess *>(child.data())) {
            if (process->state() == ChildProcess::State::Running) // reaped when Exited
                pids << process->pid();
        }
    }
    return pids;
}

MonitorScope LessonContext::monitorScope() const
{
    MonitorScope scope;
    scope.host = QCoreApplication::applicationPid();
    scope.pids = QList<qint64> {scope.host} + unreapedPids();
    scope.keep = m_pipeKeys;
    return scope;
}

SystemSnapshot LessonContext::scanPipes(const QString &procRoot) const
{
    const MonitorScope scope = monitorScope();
    ScanOptions options;
    options.pids = scope.pids;
    options.fillLevels = false; // probed below, for the lesson's pipes only
    options.threads = 1;        // a few processes: no pool
    const ProcScanner scanner(procRoot);
    SystemSnapshot snapshot = scanner.scan(options);
    // The System monitor's own rule for a lesson's scope: a pipe only a child holds is the
    // child's own (a pipeline inside `sh -c`); one the lesson did not make but this process
    // holds too came from our host (an inherited fd).
    scope.apply(snapshot);
    scanner.sampleFillLevels(snapshot, {}, 1);
    PipeDiagnostics::annotate(snapshot);
    return snapshot;
}

QString LessonContext::fifoOpenerText(qint64 pid, const QString &path) const
{
    const SystemSnapshot snapshot = scanPipes();
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const FifoOpener &opener : pipe.openers) {
            if (opener.pid != pid || pipe.path != path)
                continue;
            const QString thread = opener.tid != 0 && opener.tid != pid
                ? QStringLiteral(" (thread %1)").arg(opener.tid)
                : QString();
            return QStringLiteral("opening FIFO %1 for %2%3")
                .arg(path,
                     opener.mode == EndpointMode::Read ? QStringLiteral("reading")
                                                       : QStringLiteral("writing"),
                     thread);
        }
    }
    return QString();
}

QString LessonContext::tempDir()
{
    if (!m_tempDir)
        m_tempDir = std::make_unique<QTemporaryDir>();
    return m_tempDir->isValid() ? m_tempDir->path() : QString();
}

void LessonContext::cleanup()
{
    // Waits first, so no continuation runs while the rest goes; then the other children:
    // notifiers and timers before the fds they watch close, and the child processes, whose
    // destructors SIGKILL and reap them (LessonProcess, ChildProcess) without a signal.
    qDeleteAll(findChildren<LessonWait *>(Qt::FindDirectChildrenOnly));
    while (!children().isEmpty())
        delete children().constLast();
    m_children.clear();
    m_state.reset(); // transports and fds a lesson keeps in its state
    for (int fd : std::as_const(m_fds))
        Sys::close(fd);
    m_fds.clear();
    m_tempDir.reset();
}

} // namespace PipeScope
