#pragma once
/// \file gatedreader.h
/// The tests/helpers/gated_reader child: it holds a pipe as its stdin and reads nothing until
/// its gate (fd 3) opens, so a test can inspect, peek or resize a pipe another process owns
/// with the bytes still queued, then check that the child read every one of them in order.

#include <pipescope/fd.h>

#include <QProcess>
#include <QString>
#include <QStringList>

namespace PipeScope::Test {

class GatedReader
{
public:
    /// Starts gated_reader with \a stdinFd as its stdin and \a arguments.
    explicit GatedReader(int stdinFd, const QStringList &arguments = {});
    /// Kills the child if it still runs.
    ~GatedReader();
    GatedReader(const GatedReader &) = delete;
    GatedReader &operator=(const GatedReader &) = delete;

    bool isRunning() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    /// Lets the child start reading.
    void openGate();
    /// The child's "<bytes> <fnv1a64>" once it saw EOF, or "timeout".
    QString waitForResult();
    /// openGate(), then waitForResult().
    QString finish();

private:
    QProcess m_process;
    Fd m_gate;
};

/// What gated_reader prints for \a data: "<bytes> <fnv1a64>".
QString readerLine(const QByteArray &data);

} // namespace PipeScope::Test
