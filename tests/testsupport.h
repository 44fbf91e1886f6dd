#pragma once
/// \file testsupport.h
/// Small helpers shared by the tests: real pipes, fd checks, checksums, helper programs.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace PipeScope {
class PipeTransport;
}

namespace PipeScope::Test {

/// Waits up to \a timeoutMs until each of \a transports has emitted connectionMade (it is
/// queued: call this before the event loop runs again after open()). False on a timeout.
bool waitForConnectionMade(const QList<PipeTransport *> &transports, int timeoutMs = 5000);

/// A fresh anonymous pipe (O_CLOEXEC, blocking); QFAIL-free: aborts the test binary on failure.
std::pair<int, int> makePipe();
/// Number of entries in /proc/self/fd.
int openFdCount();
/// fd number → the last part of its link target ("pipe:[812]", "null") for every open fd of
/// process \a pid (/proc/PID/fd).
QMap<int, QString> fdLinks(qint64 pid);
/// True if \a fd is not an open descriptor (F_GETFD gives EBADF).
bool isClosedFd(int fd);
bool isNonBlocking(int fd);
/// FIONREAD on \a fd, or -1.
int queued(int fd);
QByteArray sha256(const QByteArray &data);
/// Deterministic pseudo-random bytes.
QByteArray randomBytes(qsizetype size, quint32 seed = 1);
/// Writes all of \a data to a blocking fd; false on error.
bool writeAll(int fd, const QByteArray &data);
/// Reads until EOF from a blocking fd.
QByteArray readAll(int fd);
/// Path of a program built in tests/helpers (PIPESCOPE_TEST_HELPERS).
QString helperPath(const QString &name);
/// Path of a checked-in fixture file or directory (PIPESCOPE_TEST_FIXTURES).
QString fixturePath(const QString &name);

/// How a command ended and what it printed.
struct CommandResult
{
    int exitCode = -1; ///< -1 when it crashed, was killed by a signal or timed out
    QByteArray out;    ///< bytes as written (peek output is binary)
    QString err;
    QString text() const { return QString::fromLocal8Bit(out); }
};
/// Runs \a program (searched in PATH) with \a arguments; kills it after \a timeoutMs.
CommandResult runCommand(const QString &program, const QStringList &arguments, int timeoutMs = 30000);
/// runCommand() as user nobody, through setpriv (the test runs as root).
CommandResult runAsNobody(const QString &program, const QStringList &arguments);
/// True if nobody may execute \a path (each directory above it searchable by others).
bool nobodyCanRun(const QString &path);

} // namespace PipeScope::Test
