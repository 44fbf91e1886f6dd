#pragma once
/// \file quitonsignals.h
/// SIGINT, SIGTERM and SIGHUP end PipeScope's event loop instead of the process, so the
/// destructors run: lesson and lab children are killed and reaped, not left behind (a
/// lesson's deadlocked `head`/`cat` pair would otherwise sleep forever, reparented to init).
///
/// The handler only does async-signal-safe things: it records the signal, writes its number
/// to a pipe and restores the default action, so a second Ctrl+C ends the process at once.
/// A QSocketNotifier on the pipe's other end then quits the application from the event loop
/// (the pattern of Qt's "Calling Qt Functions From Unix Signal Handlers"). Code that runs
/// without an event loop (a headless lesson between steps) polls signalNumber().
/// A signal ignored at start (SIGHUP under nohup) stays ignored. One instance at a time.

#include <pipescope/fd.h>

#include <QObject>

namespace PipeScope::App {

class QuitOnSignals : public QObject
{
    Q_OBJECT
public:
    explicit QuitOnSignals(QObject *parent = nullptr);
    /// Restores the dispositions found at construction.
    ~QuitOnSignals() override;

    /// The signal that asked to quit, 0 while none did.
    static int signalNumber();
    /// The exit status a shell reports for that signal (128 + N), or \a otherwise if none came.
    static int exitStatus(int otherwise) { return signalNumber() ? 128 + signalNumber() : otherwise; }

private:
    Fd m_readEnd;
};

} // namespace PipeScope::App
