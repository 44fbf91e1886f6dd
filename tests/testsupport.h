#pragma once
/// \file testsupport.h
/// Small helpers shared by the tests: real pipes, fd checks, checksums, helper programs.

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace PipeScope::Test {

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

} // namespace PipeScope::Test
