#pragma once
/// \file qtwarningcapture.h
/// While one lives, the warnings Qt prints (qWarning and worse, from any thread) are kept
/// here instead, so a lesson can show the student what Qt said. Debug and info messages go
/// to the handler that was installed before. One capture at a time. Private to core/lessons.

#include <QStringList>
#include <QtGlobal>

namespace PipeScope {

class QtWarningCapture {
public:
    QtWarningCapture();
    /// Puts the previous message handler back.
    ~QtWarningCapture();
    QtWarningCapture(const QtWarningCapture &) = delete;
    QtWarningCapture &operator=(const QtWarningCapture &) = delete;

    /// The warnings so far, oldest first.
    QStringList warnings() const;

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &text);

    QtMessageHandler m_previous;
};

} // namespace PipeScope
