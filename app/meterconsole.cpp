#include "meterconsole.h"

#include "command.h"
#include "quitonsignals.h"

#include <pipescope/meterjson.h>
#include <pipescope/snapshotformat.h>

#include <QCoreApplication>
#include <QTextStream>

#include <cstring>
#include <sys/ioctl.h>
#include <unistd.h>

namespace PipeScope::App {

namespace {

constexpr double RedrawPeriod = 0.25; // a terminal block refreshed 4 times a second is readable
constexpr double LinePeriod = 1.0;    // plain lines: one a second

QString shortened(const QString &text, int width)
{
    QString flat = text;
    flat.replace(u'\n', u' ');
    return flat.size() <= width ? flat.leftJustified(width) : flat.left(width - 1) + QChar(0x2026);
}

QString fillBar(const MeterPipeSample &pipe)
{
    const double fill = pipe.fill();
    if (fill < 0)
        return QStringLiteral("[    ?     ]");
    const int filled = qBound(0, int(fill * 10 + 0.5), 10);
    return u'[' + QString(filled, u'#') + QString(10 - filled, u'.') + u']';
}

QString stageLine(const StageSample &stage, int k, bool bottleneck)
{
    const bool io = !(stage.flags & StageFlag::NoAccess);
    QString line = QStringLiteral("%1%2 %3 %4 cpu %5%")
                           .arg(bottleneck ? QStringLiteral(">") : QStringLiteral(" "))
                           .arg(k + 1, 2)
                           .arg(shortened(stage.command, 28), stageActivityName(stage.activity).leftJustified(13))
                           .arg(qRound(stage.cpu * 100), 3);
    if (io) {
        line += QStringLiteral("  in %1  out %2")
                        .arg(MeterConsole::bytesText(double(stage.bytesIn)), 9)
                        .arg(MeterConsole::bytesText(double(stage.bytesOut)), 9);
    } else {
        line += QStringLiteral("  in/out: no access");
    }
    if (stage.flags & StageFlag::SpliceBlind)
        line += QStringLiteral("  (splice: counters blind)");
    else if (stage.flags & StageFlag::Approximate)
        line += QStringLiteral("  (approximate: other I/O)");
    return line;
}

QString pipeLine(const MeterPipeSample &pipe)
{
    const QString level = pipe.queued < 0 ? QStringLiteral("?")
                                          : QStringLiteral("%1/%2").arg(MeterConsole::bytesText(double(pipe.queued)),
                                                                        MeterConsole::bytesText(double(pipe.capacity)));
    return QStringLiteral("      | %1 %2 %3%4")
            .arg(fillBar(pipe), level.leftJustified(17), MeterConsole::rateText(pipe.rate))
            .arg(pipe.approximate ? QStringLiteral(" (approximate)") : QString());
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

} // namespace

MeterConsole::MeterConsole(const MeterConsoleOptions &options)
    : m_options(options), m_terminal(!options.quiet && ::isatty(STDERR_FILENO))
{
}

bool MeterConsole::openJson(QString *error)
{
    if (m_options.jsonPath.isEmpty())
        return true;
    m_json.setFileName(m_options.jsonPath);
    if (!m_json.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        *error = QStringLiteral("open %1: %2").arg(m_options.jsonPath, m_json.errorString());
        return false;
    }
    return true;
}

void MeterConsole::addCommonOptions(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("json"), QStringLiteral("Write JSON lines (docs/meter-json.md) to PATH."),
                       QStringLiteral("PATH") });
    parser.addOption({ QStringLiteral("interval"),
                       QStringLiteral("Sample every MS milliseconds (%1..%2, default %3).")
                               .arg(PipelineMeter::MinimumIntervalMs)
                               .arg(PipelineMeter::MaximumIntervalMs)
                               .arg(PipelineMeter::DefaultIntervalMs),
                       QStringLiteral("MS") });
}

bool MeterConsole::parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, int *status)
{
    if (!parser.parse(arguments)) {
        *status = usageError(parser.errorText(), parser.helpText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        *status = ExitOk;
        return false;
    }
    return true;
}

bool MeterConsole::readCommonOptions(const QCommandLineParser &parser, MeterConsoleOptions *options, QString *error)
{
    options->jsonPath = parser.value(QStringLiteral("json"));
    if (!parser.isSet(QStringLiteral("interval")))
        return true;
    const std::optional<qint64> ms = parseNumber(parser.value(QStringLiteral("interval")), PipelineMeter::MinimumIntervalMs,
                                                 PipelineMeter::MaximumIntervalMs, QStringLiteral("--interval (ms)"), error);
    if (ms)
        options->intervalMs = int(*ms);
    return ms.has_value();
}

int MeterConsole::execute(const std::function<bool(PipelineMeter &, int *)> &start,
                          const std::function<int(const MeterSummary &, int)> &exitStatus)
{
    QString error;
    if (!openJson(&error)) {
        err() << "pipescope " << m_options.verb << ": " << error << '\n';
        err().flush();
        return ExitFailure;
    }
    PipelineMeter meter;
    meter.setInterval(m_options.intervalMs);
    int status = ExitOk;
    if (!start(meter, &status))
        return status;
    int signal = 0;
    const MeterSummary summary = drive(meter, &signal);
    printSummary(summary);
    return exitStatus(summary, signal);
}

QString MeterConsole::bytesText(double bytes)
{
    return SnapshotFormat::bytesText(bytes);
}

QString MeterConsole::rateText(double rate)
{
    return SnapshotFormat::rateText(rate);
}

MeterSummary MeterConsole::drive(PipelineMeter &meter, int *signal)
{
    QuitOnSignals quit;
    bool done = false, stopping = false;
    MeterSummary summary;
    const auto sampled = QObject::connect(&meter, &PipelineMeter::sampled, [&](const MeterSnapshot &snapshot) {
        onSample(snapshot);
        if (m_options.count > 0 && m_samples >= m_options.count && !stopping) {
            stopping = true;
            meter.stop();
        }
    });
    const auto finished = QObject::connect(&meter, &PipelineMeter::finished, [&](const MeterSummary &result) {
        summary = result;
        done = true;
    });
    // QuitOnSignals ends event loops, and a QEventLoop started after that returns at once:
    // process events directly instead, and stop the meter when a signal came.
    while (!done) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (QuitOnSignals::signalNumber() && !stopping) {
            stopping = true;
            meter.stop();
        }
    }
    QObject::disconnect(sampled);
    QObject::disconnect(finished);
    *signal = QuitOnSignals::signalNumber();
    clearBlock();
    return summary;
}

void MeterConsole::onSample(const MeterSnapshot &snapshot)
{
    ++m_samples;
    if (m_json.isOpen())
        m_json.write(MeterJson::line(MeterJson::sample(snapshot)));
    if (m_options.quiet)
        return;
    if (m_terminal && snapshot.t - m_lastDrawn >= RedrawPeriod) {
        drawBlock(snapshot);
        m_lastDrawn = snapshot.t;
    } else if (!m_terminal && snapshot.t - m_lastDrawn >= LinePeriod) {
        printLine(snapshot);
        m_lastDrawn = snapshot.t;
    }
}

void MeterConsole::drawBlock(const MeterSnapshot &snapshot)
{
    QStringList lines;
    lines << QStringLiteral("pipescope %1  %2 s  (Ctrl-C ends it)").arg(m_options.verb).arg(snapshot.t, 0, 'f', 1);
    for (int k = 0; k < snapshot.stages.size(); ++k) {
        lines << stageLine(snapshot.stages[k], k, snapshot.bottleneck.stage == k);
        if (k < snapshot.pipes.size())
            lines << pipeLine(snapshot.pipes[k]);
    }
    lines << (snapshot.bottleneck.cause == BottleneckCause::Unknown ? QStringLiteral("bottleneck: (measuring)")
                                                                    : QStringLiteral("bottleneck: ") + snapshot.bottleneck.text);
    // A line wider than the terminal wraps and the cursor-up count would miss it: cut.
    winsize size {};
    const int width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20 ? size.ws_col : 80;
    clearBlock();
    for (const QString &line : std::as_const(lines))
        err() << (line.size() < width ? line : line.left(width - 2) + QChar(0x2026)) << "\x1b[K\n";
    err().flush();
    m_blockLines = int(lines.size());
}

void MeterConsole::clearBlock()
{
    if (!m_terminal || m_blockLines == 0)
        return;
    err() << "\x1b[" << m_blockLines << "A\x1b[J"; // up to the block's first line, clear below
    err().flush();
    m_blockLines = 0;
}

void MeterConsole::printLine(const MeterSnapshot &snapshot)
{
    QStringList parts;
    for (int k = 0; k < snapshot.stages.size(); ++k) {
        const StageSample &stage = snapshot.stages[k];
        parts << QStringLiteral("%1 [%2 %3%]").arg(shortened(stage.command, 20).trimmed(),
                                                   stageActivityName(stage.activity)).arg(qRound(stage.cpu * 100));
        if (k < snapshot.pipes.size())
            parts << QStringLiteral("-> %1 %2 ->").arg(rateText(snapshot.pipes[k].rate), fillBar(snapshot.pipes[k]));
    }
    err() << QStringLiteral("pipescope %1 %2s: ").arg(m_options.verb).arg(snapshot.t, 0, 'f', 1) << parts.join(u' ');
    if (snapshot.bottleneck.cause != BottleneckCause::Unknown) {
        err() << "  bottleneck: "
              << (snapshot.bottleneck.stage >= 0 ? QStringLiteral("stage %1 (%2)").arg(snapshot.bottleneck.stage + 1)
                                                          .arg(bottleneckCauseName(snapshot.bottleneck.cause))
                                                 : bottleneckCauseName(snapshot.bottleneck.cause));
    }
    err() << '\n';
    err().flush();
}

namespace {

QString endText(const StageSummary &stage)
{
    if (stage.signal)
        return QStringLiteral("killed by signal %1 (%2)").arg(stage.signal).arg(QString::fromLocal8Bit(strsignal(stage.signal)));
    if (stage.exitCode)
        return *stage.exitCode == 127 ? QStringLiteral("exit 127: command not found")
                                      : QStringLiteral("exit %1").arg(*stage.exitCode);
    return QStringLiteral("exit status unknown");
}

QString stageSummaryLine(const StageSummary &stage, int k)
{
    const bool io = !(stage.flags & StageFlag::NoAccess);
    const QString bytes = io ? QStringLiteral("in %1  out %2%3")
                                       .arg(MeterConsole::bytesText(double(stage.bytesIn)),
                                            MeterConsole::bytesText(double(stage.bytesOut)),
                                            stage.exact ? QString() : QStringLiteral(" (last sample)"))
                             : QStringLiteral("in/out: no access (another user's process)");
    return QStringLiteral("  stage %1  %2 pid %3  %4  %5  cpu %6 s  blocked reading %7 s, writing %8 s")
            .arg(k + 1)
            .arg(shortened(stage.command, 28))
            .arg(stage.pid)
            .arg(endText(stage), bytes)
            .arg(stage.cpuSeconds, 0, 'f', 2)
            .arg(stage.blockedReadingSeconds, 0, 'f', 1)
            .arg(stage.blockedWritingSeconds, 0, 'f', 1);
}

QString pipeSummaryLine(const PipeSummary &pipe)
{
    if (pipe.rateSource == RateSource::None)
        return QStringLiteral("  pipe %1 -> %2  bytes unknown (neither end's counters are readable)").arg(pipe.from + 1).arg(pipe.to + 1);
    return QStringLiteral("  pipe %1 -> %2  %3  rate min %4  avg %5  max %6  (counted at the %7)")
            .arg(pipe.from + 1)
            .arg(pipe.to + 1)
            .arg(MeterConsole::bytesText(double(pipe.bytes)), MeterConsole::rateText(pipe.minRate),
                 MeterConsole::rateText(pipe.avgRate), MeterConsole::rateText(pipe.maxRate),
                 pipe.rateSource == RateSource::WriterOut ? QStringLiteral("writer") : QStringLiteral("reader"));
}

} // namespace

void MeterConsole::printSummary(const MeterSummary &summary)
{
    if (m_json.isOpen())
        m_json.write(MeterJson::line(MeterJson::summary(summary, m_options.pipefail)));
    if (m_options.quiet)
        return;
    const int status = summary.exitStatus(m_options.pipefail);
    err() << QStringLiteral("pipescope %1: %2 stages, %3 s%4%5\n")
                     .arg(m_options.verb)
                     .arg(summary.stages.size())
                     .arg(summary.duration, 0, 'f', 2)
                     .arg(status >= 0 ? QStringLiteral(", exit status %1").arg(status) : QString(),
                          summary.interrupted ? QStringLiteral(" (interrupted)") : QString());
    for (int k = 0; k < summary.stages.size(); ++k)
        err() << stageSummaryLine(summary.stages[k], k) << '\n';
    for (const PipeSummary &pipe : summary.pipes)
        err() << pipeSummaryLine(pipe) << '\n';
    err() << "  bottleneck: "
          << (summary.bottleneck.cause == BottleneckCause::Unknown ? QStringLiteral("not measured (the run was shorter than a 1 s window)")
                                                                   : summary.bottleneck.text)
          << '\n';
    err().flush();
}

} // namespace PipeScope::App
