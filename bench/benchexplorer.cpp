// pipescope-bench-explorer: the /proc scanner against `lsof -n -P +E`, in one run.
// Usage: pipescope-bench-explorer [--pairs 100] [--hogs 10] [--hog-pipes 1000] [--rounds 7]
//                                 [--threads N] [--no-external]
//
// Builds two workloads itself (docs/kernel-behaviour.md §7 uses the same shapes):
//   2k:  --pairs `sleep 600 | sleep 600` pipelines, each under its own `setsid sh` (~1,900 fds
//        on an otherwise quiet machine);
//   20k: the same plus --hogs processes holding --hog-pipes pipes each (2 fds per pipe).
// For each it measures medians over --rounds interleaved rounds (so a changing machine load
// hits both sides alike), in this process:
//   full_scan_ms      endpoints + states + fill levels (what a `watch` refresh pays);
//   endpoint_scan_ms  endpoints and command lines only;
//   diagnostics_ms    PipeDiagnostics::annotate on the full scan;
// and as wall times of a child process with stdout on /dev/null:
//   lsof_ms           `lsof -n -P +E` (endpoints without fill levels);
//   cli_ms            `pipescope list --json` (process start, scan, diagnostics, JSON).
// Prints one JSON line per workload with the ratios; targets: full scan >= 10x faster than
// lsof at ~2,000 fds, endpoint scan >= 5x faster at ~20,000 fds.
// Kills exactly the processes it started: the process groups of its setsid shells (recorded
// members) and its own fd-hog children; as a child subreaper it reaps all of them.
#include <pipescope/fd.h>
#include <pipescope/pipediagnostics.h>
#include <pipescope/procscanner.h>
#include <pipescope/sys.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char **environ;

namespace {

using namespace PipeScope;

struct Options
{
    int pairs = 100;
    int hogs = 10;
    int hogPipes = 1000;
    int rounds = 7;
    int threads = 0;
    bool skipExternal = false;
};

/// Every process this benchmark started, and how to get rid of them.
class Workload
{
public:
    Workload() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }
    ~Workload() { killAll(); }

    bool addPipelines(int count);
    bool addHogs(int count, int pipesEach);
    void killAll();

private:
    static pid_t spawn(const std::vector<const char *> &argv, bool newSession, int stdoutFd = -1);
    static QList<pid_t> groupMembers(pid_t pgid);

    QList<pid_t> m_groups; ///< setsid shells: each leads a process group of its own
    QList<pid_t> m_hogs;
};

pid_t Workload::spawn(const std::vector<const char *> &argv, bool newSession, int stdoutFd)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    if (stdoutFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFd, 1);
    if (newSession)
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    std::vector<char *> arguments;
    for (const char *argument : argv)
        arguments.push_back(const_cast<char *>(argument));
    arguments.push_back(nullptr);
    pid_t pid = -1;
    const int error = posix_spawnp(&pid, arguments[0], &actions, &attributes, arguments.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return error == 0 ? pid : -1;
}

QList<pid_t> Workload::groupMembers(pid_t pgid)
{
    QList<pid_t> members;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile file(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!entry.front().isDigit() || !file.open(QIODevice::ReadOnly))
            continue;
        const auto stat = ProcParsers::parseStat(file.readAll());
        if (stat && stat->pgrp == pgid)
            members << pid_t(stat->pid);
    }
    return members;
}

bool Workload::addPipelines(int count)
{
    for (int i = 0; i < count; ++i) {
        const pid_t sh = spawn({ "sh", "-c", "sleep 600 | sleep 600" }, true);
        if (sh < 0)
            return false;
        m_groups << sh;
    }
    // Ready once every shell has forked both sleeps.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 30000) {
        int ready = 0;
        for (pid_t group : std::as_const(m_groups))
            ready += groupMembers(group).size() >= 3;
        if (ready == m_groups.size())
            return true;
        QThread::msleep(50);
    }
    return false;
}

bool Workload::addHogs(int count, int pipesEach)
{
    for (int i = 0; i < count; ++i) {
        const pid_t pid = ::fork();
        if (pid < 0)
            return false;
        if (pid == 0) {
            // Only async-signal-safe calls after fork() in a Qt program.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            rlimit limit {};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, rlim_t(2 * pipesEach + 64));
            ::setrlimit(RLIMIT_NOFILE, &limit);
            for (int p = 0; p < pipesEach; ++p) {
                int fds[2];
                if (::pipe(fds) != 0)
                    _exit(1);
            }
            for (;;)
                ::pause();
        }
        m_hogs << pid;
    }
    QThread::msleep(500); // let them open their pipes
    return true;
}

void Workload::killAll()
{
    QList<pid_t> victims = m_hogs;
    for (pid_t group : std::as_const(m_groups))
        victims += groupMembers(group);
    for (pid_t group : std::as_const(m_groups))
        ::kill(-group, SIGKILL);
    for (pid_t pid : std::as_const(victims))
        ::kill(pid, SIGKILL);
    // As a subreaper, the orphaned sleeps are our children too.
    for (pid_t pid : std::as_const(victims))
        Sys::retryOnEintr([&] { return ::waitpid(pid, nullptr, 0); });
    m_groups.clear();
    m_hogs.clear();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

/// Wall time of a child process, stdout and stderr on /dev/null.
double wallMs(const std::vector<const char *> &argv)
{
    Fd devNull(Sys::open("/dev/null", O_WRONLY));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, devNull.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, devNull.get(), 2);
    std::vector<char *> arguments;
    for (const char *argument : argv)
        arguments.push_back(const_cast<char *>(argument));
    arguments.push_back(nullptr);
    QElapsedTimer timer;
    timer.start();
    pid_t pid = -1;
    if (posix_spawnp(&pid, arguments[0], &actions, nullptr, arguments.data(), environ) != 0)
        return -1;
    posix_spawn_file_actions_destroy(&actions);
    Sys::retryOnEintr([&] { return ::waitpid(pid, nullptr, 0); });
    return ms(timer.nsecsElapsed());
}

QJsonObject measure(const QString &name, const Options &options)
{
    const ProcScanner scanner;
    ScanOptions fullScan;
    fullScan.threads = options.threads;
    ScanOptions endpointsOnly = fullScan;
    endpointsOnly.states = false;
    endpointsOnly.fillLevels = false;
    scanner.scan(fullScan); // warm the /proc dentries (docs/kernel-behaviour.md §7: the first pass is slower)
    // Interleaved rounds: the machine's load changes over a run, and this way lsof and the
    // scans see the same load. Each round: one full scan, one endpoint scan, one lsof, one CLI.
    std::vector<double> full, endpoints, diagnostics, lsof, cli;
    SystemSnapshot snapshot;
    for (int i = 0; i < options.rounds; ++i) {
        QElapsedTimer timer;
        timer.start();
        snapshot = scanner.scan(fullScan);
        full.push_back(ms(timer.nsecsElapsed()));
        timer.restart();
        PipeDiagnostics::annotate(snapshot);
        diagnostics.push_back(ms(timer.nsecsElapsed()));
        timer.restart();
        scanner.scan(endpointsOnly);
        endpoints.push_back(ms(timer.nsecsElapsed()));
        if (options.skipExternal)
            continue;
        lsof.push_back(wallMs({ "lsof", "-n", "-P", "+E" }));
        cli.push_back(wallMs({ PIPESCOPE_BINARY, "list", "--json" }));
    }
    qint64 endpointCount = 0, reachable = 0;
    for (const PipeInfo &pipe : snapshot.pipes) {
        endpointCount += pipe.endpoints.size();
        reachable += pipe.queued.has_value();
    }
    const double fullMs = median(full), endpointMs = median(endpoints), lsofMs = median(lsof);
    return QJsonObject {
        { QStringLiteral("bench"), QStringLiteral("explorer") },
        { QStringLiteral("workload"), name },
        { QStringLiteral("processes"), snapshot.processesScanned },
        { QStringLiteral("fds"), double(snapshot.fdsScanned) },
        { QStringLiteral("pipes"), int(snapshot.pipes.size()) },
        { QStringLiteral("pipes_with_fill"), double(reachable) },
        { QStringLiteral("endpoints"), double(endpointCount) },
        { QStringLiteral("full_scan_ms"), fullMs },
        { QStringLiteral("full_scan_parts_ms"),
          QJsonObject { { QStringLiteral("endpoints"), ms(snapshot.endpointNs) },
                        { QStringLiteral("states"), ms(snapshot.stateNs) },
                        { QStringLiteral("fill"), ms(snapshot.fillNs) } } },
        { QStringLiteral("endpoint_scan_ms"), endpointMs },
        { QStringLiteral("diagnostics_ms"), median(diagnostics) },
        { QStringLiteral("lsof_ms"), lsofMs },
        { QStringLiteral("cli_ms"), median(cli) },
        { QStringLiteral("lsof_over_full_scan"), lsofMs / fullMs },
        { QStringLiteral("lsof_over_endpoint_scan"), lsofMs / endpointMs },
        { QStringLiteral("lsof_over_cli"), lsofMs / median(cli) },
        { QStringLiteral("rounds"), options.rounds },
        { QStringLiteral("threads"), options.threads } };
}

Options parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The /proc scanner against lsof -n -P +E."));
    parser.addHelpOption();
    const QCommandLineOption pairs(QStringLiteral("pairs"), QStringLiteral("sleep|sleep pipelines (100)."), QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption hogs(QStringLiteral("hogs"), QStringLiteral("fd-hog processes for the 20k workload (10)."), QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption hogPipes(QStringLiteral("hog-pipes"), QStringLiteral("Pipes per hog (1000)."), QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption rounds(QStringLiteral("rounds"), QStringLiteral("Measurement rounds per median (7)."), QStringLiteral("N"), QStringLiteral("7"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Scan threads (0: the scanner's default)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption noExternal(QStringLiteral("no-external"), QStringLiteral("Skip the lsof and CLI timings."));
    parser.addOptions({ pairs, hogs, hogPipes, rounds, threads, noExternal });
    parser.process(arguments);
    Options options;
    options.pairs = std::max(0, parser.value(pairs).toInt());
    options.hogs = std::max(0, parser.value(hogs).toInt());
    options.hogPipes = std::max(1, parser.value(hogPipes).toInt());
    options.rounds = std::max(1, parser.value(rounds).toInt());
    options.threads = std::max(0, parser.value(threads).toInt());
    options.skipExternal = parser.isSet(noExternal);
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Options options = parse(app.arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    Workload workload;
    if (!workload.addPipelines(options.pairs)) {
        err << "pipescope-bench-explorer: could not start " << options.pairs << " pipelines\n";
        return 1;
    }
    out << QJsonDocument(measure(QStringLiteral("2k"), options)).toJson(QJsonDocument::Compact) << '\n';
    out.flush();
    if (options.hogs > 0) {
        if (!workload.addHogs(options.hogs, options.hogPipes)) {
            err << "pipescope-bench-explorer: could not start the fd hogs\n";
            return 1;
        }
        out << QJsonDocument(measure(QStringLiteral("20k"), options)).toJson(QJsonDocument::Compact) << '\n';
    }
    return 0;
}
