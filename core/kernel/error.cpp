#include "error.h"

#include "sys.h"

namespace PipeScope {

Error::Error(const QString &message, int code) : m_message(message), m_code(code) { }

Error Error::fromErrno(int code, const QString &what)
{
    // The message is built when asked for: the scanner makes errno-only errors by the thousand
    // (ENOENT for processes that exited mid-scan) and shows few of them.
    Error error;
    error.m_code = code;
    if (!what.isEmpty())
        error.m_message = what + QStringLiteral(": ") + Sys::errorText(code);
    return error;
}

QString Error::message() const
{
    if (m_message.isEmpty() && m_code != 0)
        return Sys::errorText(m_code);
    return m_message;
}

Error Error::prefixed(const QString &context) const
{
    return Error(context + QStringLiteral(": ") + message(), m_code);
}

bool Error::report(Error *error, const Error &failure)
{
    if (error)
        *error = failure;
    return false;
}

} // namespace PipeScope
