#pragma once
/// \file pipelinerecording.h
/// Every sample of a metered run and its summary, for File > Export: JSON lines in the schema
/// of `pipescope run --json` (written by the same MeterJson code, so a script reads either),
/// or CSV with one row per stage per sample for a spreadsheet.
///
/// At most MaxSamples samples are kept (an hour at 10 Hz); older ones are dropped and counted.

#include <pipescope/metersnapshot.h>
#include <pipescope/metersummary.h>

#include <QString>

#include <deque>
#include <optional>

namespace PipeScope::Ui {

class PipelineRecording
{
public:
    static constexpr size_t MaxSamples = 36000;

    void clear();
    void add(const MeterSnapshot &snapshot);
    void setSummary(const MeterSummary &summary);

    size_t sampleCount() const { return m_samples.size(); }
    quint64 droppedSamples() const { return m_dropped; }
    bool hasSummary() const { return m_summary.has_value(); }

    /// One JSON object a line: every sample, then the summary if the run has ended. false and
    /// \a error ("open /tmp/x.jsonl: Permission denied") on failure; the file is written whole
    /// or not at all.
    bool writeJsonLines(const QString &path, QString *error) const;
    /// Header "t,stage,pid,command,state,cpu,bytes_in,bytes_out,queued,capacity,rate,bottleneck",
    /// then a row per stage per sample (queued/capacity/rate of the pipe after the stage;
    /// "bottleneck" is the cause on the bottleneck's row, else empty).
    bool writeCsv(const QString &path, QString *error) const;

    /// RFC 4180 quoting: a field with a comma, quote or line break in double quotes.
    static QString csvField(const QString &text);

private:
    std::deque<MeterSnapshot> m_samples;
    std::optional<MeterSummary> m_summary;
    quint64 m_dropped = 0;
};

} // namespace PipeScope::Ui
