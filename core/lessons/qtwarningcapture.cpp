#include "qtwarningcapture.h"

#include <QMutex>

namespace PipeScope {

namespace {

// The handler is a plain function called from whichever thread warns.
QMutex captureMutex;
QStringList captured;
QtMessageHandler forwardTo = nullptr;

} // namespace

QtWarningCapture::QtWarningCapture()
{
    const QMutexLocker lock(&captureMutex);
    captured.clear();
    m_previous = qInstallMessageHandler(&QtWarningCapture::handle);
    forwardTo = m_previous;
}

QtWarningCapture::~QtWarningCapture()
{
    qInstallMessageHandler(m_previous);
    const QMutexLocker lock(&captureMutex);
    forwardTo = nullptr;
}

QStringList QtWarningCapture::warnings() const
{
    const QMutexLocker lock(&captureMutex);
    return captured;
}

void QtWarningCapture::handle(QtMsgType type, const QMessageLogContext &context,
                              const QString &text)
{
    QMutexLocker lock(&captureMutex);
    if (type == QtWarningMsg || type == QtCriticalMsg) {
        captured << text;
        return;
    }
    const QtMessageHandler forward = forwardTo;
    lock.unlock();
    if (forward) // Qt returns its default handler when none was installed
        forward(type, context, text);
}

} // namespace PipeScope
