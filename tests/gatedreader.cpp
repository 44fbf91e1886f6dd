#include "gatedreader.h"

#include "testsupport.h"

#include <pipescope/sys.h>

#include <fcntl.h>
#include <unistd.h>

namespace PipeScope::Test {

GatedReader::GatedReader(int stdinFd, const QStringList &arguments)
{
    const auto [gateRead, gateWrite] = makePipe();
    m_gate.reset(gateWrite);
    const Fd gateReadOwner(gateRead);
    m_process.setProgram(helperPath(QStringLiteral("gated_reader")));
    m_process.setArguments(arguments);
    m_process.setChildProcessModifier([stdinFd, gateRead = gateRead] {
        ::dup2(stdinFd, STDIN_FILENO);
        ::dup2(gateRead, 3);
        ::fcntl(STDIN_FILENO, F_SETFD, 0);
        ::fcntl(3, F_SETFD, 0);
    });
    m_process.start();
    m_process.waitForStarted(10000);
}

GatedReader::~GatedReader()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
}

void GatedReader::openGate()
{
    const char go = 'g';
    Sys::write(m_gate.get(), &go, 1);
    m_gate.close();
}

QString GatedReader::waitForResult()
{
    if (!m_process.waitForFinished(120000))
        return QStringLiteral("timeout");
    return QString::fromLatin1(m_process.readAllStandardOutput()).trimmed();
}

QString GatedReader::finish()
{
    openGate();
    return waitForResult();
}

QString readerLine(const QByteArray &data)
{
    quint64 hash = 14695981039346656037ULL;
    for (const char c : data)
        hash = (hash ^ uchar(c)) * 1099511628211ULL;
    return QStringLiteral("%1 %2").arg(data.size()).arg(hash, 16, 16, QLatin1Char('0'));
}

} // namespace PipeScope::Test
