#include "lessoncontext.h"

#include "childprocess.h"
#include "sys.h"

#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
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

bool LessonContext::waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    poll.setTimerType(Qt::PreciseTimer);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(1);
    QTimer::singleShot(timeoutMs, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

void LessonContext::runEventLoop(int ms)
{
    waitUntil([] { return false; }, ms);
}

std::optional<PipeFds> LessonContext::makePipe(QString *error, int flags)
{
    int fds[2];
    if (Sys::pipe2(fds, flags) != 0) {
        *error = QStringLiteral("pipe2: %1").arg(Sys::errorText(errno));
        return std::nullopt;
    }
    m_fds << fds[0] << fds[1];
    Q_EMIT pipeCreated(fds[0], fds[1]);
    return PipeFds {fds[0], fds[1]};
}

int LessonContext::adoptFd(int fd)
{
    if (fd >= 0 && !m_fds.contains(fd))
        m_fds << fd;
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

LessonProcess *LessonContext::spawn(const LessonProcess::Spec &spec, QString *error)
{
    auto *process = new LessonProcess(this);
    if (!process->start(spec, error)) {
        delete process;
        return nullptr;
    }
    m_children << process;
    m_pids << process->pid();
    Q_EMIT processStarted(process->pid(), spec.program);
    return process;
}

ChildProcess *LessonContext::startChild(const QString &program, const QStringList &arguments,
                                        QString *error)
{
    auto *child = new ChildProcess(this);
    if (!child->start(program, arguments)) {
        *error = child->errorString();
        delete child;
        return nullptr;
    }
    m_children << child;
    m_pids << child->pid();
    Q_EMIT processStarted(child->pid(), program);
    return child;
}

QString LessonContext::tempDir()
{
    if (!m_tempDir)
        m_tempDir = std::make_unique<QTemporaryDir>();
    return m_tempDir->isValid() ? m_tempDir->path() : QString();
}

void LessonContext::cleanup()
{
    // Children first: their destructors SIGKILL and reap (LessonProcess, ChildProcess).
    for (const QPointer<QObject> &child : std::as_const(m_children))
        delete child.data();
    m_children.clear();
    m_state.reset(); // transports and fds a lesson keeps in its state
    for (int fd : std::as_const(m_fds))
        Sys::close(fd);
    m_fds.clear();
    m_tempDir.reset();
}

} // namespace PipeScope
