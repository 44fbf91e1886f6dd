#pragma once
/// \file meterconsole.h
/// What `pipescope run` and `pipescope attach` show while they meter and at the end: on a
/// terminal one refreshing block on stderr (a line per stage and pipe, the bottleneck marked),
/// plain periodic lines when stderr is not a terminal, nothing when quiet; the JSON lines file;
/// the summary. Also drives the meter until it finishes or a signal asks to stop.

#include <pipescope/pipelinemeter.h>

#include <QCommandLineParser>
#include <QFile>
#include <QString>

#include <functional>

namespace PipeScope::App {

struct MeterConsoleOptions
{
    QString verb;          ///< "run" or "attach", for messages
    QString jsonPath;      ///< empty: no JSON lines
    bool quiet = false;    ///< no live view and no summary
    bool pipefail = false;
    int count = -1;        ///< attach --count: samples before detaching
    int intervalMs = PipelineMeter::DefaultIntervalMs;
};

class MeterConsole
{
public:
    explicit MeterConsole(const MeterConsoleOptions &options);

    /// Adds the options `run` and `attach` share to \a parser: --json PATH, --interval MS.
    static void addCommonOptions(QCommandLineParser &parser);
    /// Parses \a arguments and answers --help; false with *status set when the command is done
    /// (a usage error printed, or the help).
    static bool parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, int *status);
    /// Reads --json and --interval (a checked number, 20..1000) into \a options; false and
    /// *error ("--interval (ms) needs a number from 20 to 1000, got '0'") otherwise.
    static bool readCommonOptions(const QCommandLineParser &parser, MeterConsoleOptions *options, QString *error);

    /// The whole command: opens the JSON file (before anything starts, so a bad path loses
    /// nothing), makes a meter sampling every intervalMs, calls \a start (run or attach;
    /// false after it printed why and set *status), drives it to the end and prints the summary.
    /// Returns the exit status: the failed start's, 1 for the JSON file, else what
    /// \a exitStatus makes of the summary and the signal that ended it (0 if none).
    int execute(const std::function<bool(PipelineMeter &, int *status)> &start,
                const std::function<int(const MeterSummary &, int signal)> &exitStatus);
    /// Runs the event loop until \a meter finishes (after stop() on SIGINT/SIGTERM/SIGHUP or
    /// after count samples); returns the summary. *signal is the signal that stopped it, or 0.
    MeterSummary drive(PipelineMeter &meter, int *signal);
    /// The summary on stderr (unless quiet) and as the last JSON line.
    void printSummary(const MeterSummary &summary);

    /// "1.5 GB", "812 B" (decimal units, as rates are given).
    static QString bytesText(double bytes);
    /// "52.4 MB/s", or "-" for an unknown rate.
    static QString rateText(double rate);

private:
    bool openJson(QString *error);
    void onSample(const MeterSnapshot &snapshot);
    void drawBlock(const MeterSnapshot &snapshot);
    void printLine(const MeterSnapshot &snapshot);
    void clearBlock();

    MeterConsoleOptions m_options;
    QFile m_json;
    bool m_terminal = false;
    int m_blockLines = 0;
    double m_lastDrawn = -1e9;
    int m_samples = 0;
};

} // namespace PipeScope::App
