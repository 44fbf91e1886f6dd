#pragma once
/// \file monitorworker.h
/// Internal to SystemMonitor: the object living in the monitor's worker thread. It alone
/// touches the SnapshotTracker; the ProcScanner it calls is reentrant (const, no shared
/// state). Requests arrive as queued calls carrying values, results leave as queued signals.

#include "procscanner.h"
#include "systemmonitor.h"

namespace PipeScope {

/// What one scan is asked to do: values copied from the monitor's thread.
struct ScanRequest
{
    MonitorScope scope;
    PipeInterest interest;
    quint64 generation = 0;
};

class MonitorWorker : public QObject
{
    Q_OBJECT
public:
    explicit MonitorWorker(const QString &procRoot) : m_scanner(procRoot) { }

    /// Set from the monitor's thread: the scan in progress stops at its next step, unsent.
    std::atomic<bool> cancelled { false };

    void scan(const PipeScope::ScanRequest &request);
    void probe(const PipeScope::PipeInfo &pipe, qsizetype peekBytes);

Q_SIGNALS:
    void scanned(const PipeScope::MonitorUpdate &update);
    void probed(const PipeScope::PipeKey &key, const PipeScope::SafeProbeResult &result);

private:
    void sample(SystemSnapshot &snapshot, const PipeInterest &interest) const;

    const ProcScanner m_scanner;
    SnapshotTracker m_tracker;
    quint64 m_generation = 0;
};

} // namespace PipeScope
