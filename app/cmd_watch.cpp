// pipescope watch: top for pipes. A SystemMonitor rescans every interval and shows the pipes whose fill level
// or endpoint states changed, as a refreshing terminal view or as JSON lines.
#include "command.h"

#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/snapshotformat.h>
#include <pipescope/sys.h>
#include <pipescope/systemmonitor.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSet>
#include <QSocketNotifier>
#include <QTextStream>

#include <algorithm>
#include <csignal>
#include <limits>
#include <poll.h>
#include <sys/signalfd.h>

namespace PipeScope::App {

namespace {

struct WatchOptions
{
    int intervalMs = 1000;
    int count = -1; // refreshes before exiting; -1: until SIGINT/SIGTERM
    bool json = false;
    qint64 pid = -1;
    bool all = false;
};

/// SIGINT and SIGTERM become readable events on a signalfd instead of killing us, so the
/// event loop ends cleanly between refreshes: the terminal is left tidy and stdout flushed.
class SignalWaiter
{
public:
    SignalWaiter()
    {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGINT);
        sigaddset(&m_set, SIGTERM);
        ::sigprocmask(SIG_BLOCK, &m_set, &m_previous);
        m_fd.reset(::signalfd(-1, &m_set, SFD_CLOEXEC | SFD_NONBLOCK));
    }
    ~SignalWaiter()
    {
        wait(0); // a signal that came during the last refresh: we are ending anyway
        ::sigprocmask(SIG_SETMASK, &m_previous, nullptr);
    }

    int fd() const { return m_fd.get(); }

    /// Sleeps up to \a ms; true if a signal arrived. The signal is consumed here: left
    /// pending, it would be delivered (and kill us) when the destructor unblocks it.
    bool wait(int ms)
    {
        pollfd poller { m_fd.get(), POLLIN, 0 };
        if (Sys::retryOnEintr([&] { return ::poll(&poller, 1, ms); }) <= 0)
            return false;
        signalfd_siginfo info;
        while (Sys::read(m_fd.get(), &info, sizeof info) == ssize_t(sizeof info)) { }
        return true;
    }

private:
    sigset_t m_set;
    sigset_t m_previous;
    Fd m_fd;
};

int severityRank(const PipeInfo &pipe)
{
    int rank = -1;
    for (const Diagnostic &diagnostic : pipe.diagnostics)
        rank = std::max(rank, int(diagnostic.severity));
    return rank;
}

double fill(const PipeInfo &pipe)
{
    return pipe.queued && pipe.capacity && *pipe.capacity > 0 ? double(*pipe.queued) / double(*pipe.capacity)
                                                              : -1.0;
}

QString bar(const PipeInfo &pipe)
{
    const double level = fill(pipe);
    if (level < 0)
        return QStringLiteral("[    ?     ]");
    const int filled = int(level * 10 + 0.5);
    return u'[' + QString(filled, u'#') + QString(10 - filled, u'.') + u']';
}

QString endpointsLine(const SystemSnapshot &snapshot, const PipeInfo &pipe)
{
    QStringList parts;
    for (const PipeEndpoint &endpoint : pipe.endpoints) {
        parts << QStringLiteral("%1 %2:%3 %4")
                         .arg(PipeDiagnostics::processName(snapshot, endpoint.pid))
                         .arg(endpoint.fd)
                         .arg(endpointModeName(endpoint.mode), endpointStateName(endpoint.state));
    }
    return SnapshotFormat::escaped(parts.join(QStringLiteral("  ")));
}

void printFrame(QTextStream &out, const SystemSnapshot &snapshot, QList<const PipeInfo *> pipes,
                const QSet<PipeKey> &changed, const WatchOptions &options, bool terminal)
{
    std::stable_sort(pipes.begin(), pipes.end(), [](const PipeInfo *a, const PipeInfo *b) {
        const int ra = severityRank(*a), rb = severityRank(*b);
        return ra != rb ? ra > rb : fill(*a) > fill(*b);
    });
    if (terminal)
        out << "\x1b[H\x1b[2J"; // home, clear screen
    out << QStringLiteral("pipescope watch  %1  every %2 ms  %3 pipes, %4 changed  (Ctrl-C quits)\n")
                    .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                    .arg(options.intervalMs)
                    .arg(pipes.size())
                    .arg(changed.size());
    for (const PipeInfo *pipe : std::as_const(pipes)) {
        out << (changed.contains(pipe->key) ? "* " : "  ") << bar(*pipe) << ' '
            << SnapshotFormat::fillText(*pipe).section(u' ', 0, 0) << "  "
            << SnapshotFormat::rateText(pipe->rate).rightJustified(10) << "  " << SnapshotFormat::pipeTitle(*pipe)
            << "  " << endpointsLine(snapshot, *pipe) << '\n';
        for (const Diagnostic &diagnostic : pipe->diagnostics) {
            out << "      " << severityName(diagnostic.severity) << ": "
                << SnapshotFormat::escaped(diagnostic.text) << '\n';
        }
    }
    out << SnapshotFormat::summary(snapshot, int(pipes.size())) << '\n';
    out.flush();
}

QString eventName(PipeChange::Type type)
{
    switch (type) {
    case PipeChange::Type::Added:
        return QStringLiteral("added");
    case PipeChange::Type::Removed:
        return QStringLiteral("removed");
    case PipeChange::Type::Changed:
        break;
    }
    return QStringLiteral("changed");
}

class Watch
{
public:
    explicit Watch(const WatchOptions &options)
        : m_options(options),
          m_include(SnapshotFormat::cliFilter(options.pid, options.all, ::getpid())),
          m_terminal(!options.json && ::isatty(1))
    {
    }

    /// Prints \a update: a frame, or a JSON line per change of a shown pipe.
    void show(QTextStream &out, const MonitorUpdate &update)
    {
        const SystemSnapshot &snapshot = update.snapshot;
        const QList<PipeChange> &changes = update.changes;
        QList<const PipeInfo *> shown;
        QSet<PipeKey> shownKeys;
        for (const PipeInfo &pipe : snapshot.pipes) {
            if (m_include(pipe)) {
                shown << &pipe;
                shownKeys.insert(pipe.key);
            }
        }
        QSet<PipeKey> changed;
        for (const PipeChange &change : changes) {
            const bool relevant = change.type == PipeChange::Type::Removed ? m_shown.contains(change.key)
                                                                           : shownKeys.contains(change.key);
            if (!relevant)
                continue;
            changed.insert(change.key);
            if (m_options.json)
                printEvent(out, snapshot, change);
        }
        m_shown = shownKeys;
        if (!m_options.json)
            printFrame(out, snapshot, shown, changed, m_options, m_terminal);
        out.flush();
    }

private:
    void printEvent(QTextStream &out, const SystemSnapshot &snapshot, const PipeChange &change)
    {
        QJsonObject pipe;
        if (const PipeInfo *info = snapshot.pipe(change.key)) {
            pipe = SnapshotFormat::pipeToJson(snapshot, *info);
            // Bytes/s over the monitor's last >= 1 s window, null until one passed.
            pipe.insert(QStringLiteral("rate"), info->rate >= 0 ? QJsonValue(info->rate) : QJsonValue(QJsonValue::Null));
        } else {
            pipe = { { QStringLiteral("inode"), double(change.key.inode) },
                     { QStringLiteral("kind"), change.key.kind == PipeKind::Fifo ? QStringLiteral("fifo")
                                                                                 : QStringLiteral("pipe") } };
        }
        const QJsonObject event { { QStringLiteral("time"), double(QDateTime::currentMSecsSinceEpoch()) },
                                  { QStringLiteral("event"), eventName(change.type) },
                                  { QStringLiteral("pipe"), pipe } };
        out << QJsonDocument(event).toJson(QJsonDocument::Compact) << '\n';
    }

    WatchOptions m_options;
    SnapshotFormat::PipeFilter m_include;
    bool m_terminal;
    QSet<PipeKey> m_shown;
};

std::optional<WatchOptions> parse(const QStringList &arguments, int *status)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Rescan every interval and show the pipes whose fill level or endpoint states "
            "changed: a refreshing view (changed pipes marked '*'), or with --json one JSON line "
            "per added, changed or removed pipe. Ends cleanly on SIGINT/SIGTERM."));
    parser.addHelpOption();
    const QCommandLineOption interval(QStringLiteral("interval"), QStringLiteral("Refresh every MS milliseconds (default 1000)."),
                                      QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON lines of changes."));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Exit after N refreshes."), QStringLiteral("N"));
    const QCommandLineOption pid(QStringLiteral("pid"), QStringLiteral("Only pipes that process PID holds."), QStringLiteral("PID"));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Also self-pipes and pipescope's own pipes."));
    parser.addOptions({ interval, json, count, pid, all });
    if (!parser.parse(arguments)) {
        *status = usageError(parser.errorText(), parser.helpText());
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        *status = ExitOk;
        return std::nullopt;
    }
    WatchOptions options;
    QString error;
    const auto intervalMs = parseNumber(parser.value(interval), 10, std::numeric_limits<int>::max(),
                                        QStringLiteral("--interval (ms)"), &error);
    const auto refreshes = parser.isSet(count)
            ? parseNumber(parser.value(count), 1, std::numeric_limits<int>::max(), QStringLiteral("--count"), &error)
            : std::optional<qint64>(-1);
    const auto onlyPid = parser.isSet(pid) ? parsePid(parser.value(pid), QStringLiteral("--pid"), &error)
                                           : std::optional<qint64>(-1);
    // A bad number is named first: it is what the user meant to pass (issue 16).
    if (error.isEmpty() && !parser.positionalArguments().isEmpty())
        error = QStringLiteral("watch takes no arguments, got '%1'").arg(parser.positionalArguments().constFirst());
    if (!intervalMs || !refreshes || !onlyPid || !parser.positionalArguments().isEmpty()) {
        *status = usageError(error, parser.helpText());
        return std::nullopt;
    }
    options.intervalMs = int(*intervalMs);
    options.count = int(*refreshes);
    options.pid = *onlyPid;
    options.json = parser.isSet(json);
    options.all = parser.isSet(all);
    return options;
}

int runWatch(const QStringList &arguments)
{
    int status = ExitOk;
    const std::optional<WatchOptions> options = parse(arguments, &status);
    if (!options)
        return status;
    SignalWaiter signals;
    Watch watch(*options);
    QTextStream out(stdout);
    // The monitor scans on its worker thread, every pipe's fill level included; we print.
    SystemMonitor monitor;
    PipeInterest everything;
    everything.all = true;
    monitor.setInterest(&monitor, everything);
    monitor.setInterval(options->intervalMs);
    int refreshes = 0;
    QObject::connect(&monitor, &SystemMonitor::updated, &monitor, [&](const MonitorUpdate &update) {
        watch.show(out, update);
        if (options->count > 0 && ++refreshes >= options->count)
            QCoreApplication::exit(ExitOk);
    });
    QSocketNotifier interrupted(signals.fd(), QSocketNotifier::Read);
    QObject::connect(&interrupted, &QSocketNotifier::activated, &monitor, [&] {
        signals.wait(0); // consumed: left pending it would kill us once unblocked
        QCoreApplication::exit(ExitOk);
    });
    monitor.start();
    QCoreApplication::exec();
    return ExitOk;
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("watch", "Top for pipes: refresh fill levels and states, or JSON lines",
                           runWatch)

} // namespace PipeScope::App
