#pragma once
/// \file error.h
/// The one way the core reports a failure: what went wrong, in words a user can act on, and the
/// errno behind it when there is one.
///
/// The rule, everywhere in core/ (kernel, transport, explorer, meter, lab, lessons):
/// - A synchronous call that can fail returns bool, std::optional or a pointer, and takes an
///   `Error *error` last (nullptr when the caller does not want to know). On failure it sets
///   `*error` and nothing else; on success it leaves it alone.
/// - A value that carries the outcome of an operation (a probe's sample, a process's state, a
///   pipe handle) holds an `Error`, empty on success.
/// - A QObject that fails asynchronously keeps the last Error and says it through
///   errorString() (as QIODevice does); its signals carry the errno (connectionLost(int), as in
///   docs/transport-contract.md), which `Error::fromErrno` turns into words.
/// - The message names the syscall, the path or fd, and strerror: "open /proc/812/fd/3:
///   Permission denied". A refusal of our own (a bad value, a FIFO another user owns) has code 0.
///
/// Example:
/// \code
///   PipeScope::Error error;
///   const auto fds = PipeScope::anonymousPipe(&error);
///   if (!fds)
///       qWarning("%s", qPrintable(error.message()));   // "pipe2: Too many open files"
///   if (error.code() == EMFILE) ...
/// \endcode

#include "pipescopeexport.h"

#include <QString>

namespace PipeScope {

class PIPESCOPE_CORE_EXPORT Error
{
public:
    /// No error.
    Error() = default;
    /// A failure described by \a message, with errno \a code (0: a refusal of our own).
    explicit Error(const QString &message, int code = 0);
    /// "<what>: <strerror(code)>", or strerror alone when \a what is empty.
    static Error fromErrno(int code, const QString &what = QString());

    /// Whether this is a failure (a message or a code is set).
    bool isError() const { return m_code != 0 || !m_message.isEmpty(); }
    explicit operator bool() const { return isError(); }
    /// errno of the failure, 0 if it was not a failed syscall.
    int code() const { return m_code; }
    /// The words for the user; strerror(code()) if only a code was given; empty if no error.
    QString message() const;

    /// The same failure with "<context>: " in front of its message ("lab.json: line 3: ...").
    Error prefixed(const QString &context) const;

    /// Sets \a *error (if \a error is non-null) to \a failure and returns false, so a failing
    /// path reads `return Error::report(error, Error::fromErrno(errno, "open " + path));`.
    static bool report(Error *error, const Error &failure);

    friend bool operator==(const Error &a, const Error &b)
    {
        return a.m_code == b.m_code && a.message() == b.message();
    }
    friend bool operator!=(const Error &a, const Error &b) { return !(a == b); }

private:
    QString m_message;
    int m_code = 0;
};

} // namespace PipeScope
