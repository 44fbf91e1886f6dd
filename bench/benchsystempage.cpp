// pipescope-bench-systempage: how long one System page refresh holds the GUI thread.
//
// Starts --pipes `sleep` children, each reading (never) a pipe we write --bytes into, opens the
// real SystemPage (offscreen unless QT_QPA_PLATFORM says otherwise) at 1600x1000, and runs
// --refreshes refreshes. Per refresh it measures the GUI thread's own CPU time
// (CLOCK_THREAD_CPUTIME_ID, from asking for the refresh until the page shows it: the scan on
// the monitor's worker thread costs it nothing), the longest stretch the GUI thread could not
// serve a 1 ms timer (how late it fired), and the page's own lastShowNs(). Prints one
// JSON line per run with the medians and maxima; not a test, and only ratios within one run
// on one machine mean something.
#include "systempage.h"
#include "systempipesmodel.h"

#include <pipescope/fd.h>
#include <pipescope/sys.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

extern char **environ;

namespace {

qint64 threadCpuNs()
{
    timespec now {};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

/// `sleep 600` with stdin on a new pipe holding \a bytes; we keep the write end.
pid_t spawnReader(qsizetype bytes, std::vector<PipeScope::Fd> &writeEnds)
{
    int fds[2];
    if (PipeScope::Sys::pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    const QByteArray data(bytes, 'x');
    PipeScope::Sys::write(fds[1], data.constData(), size_t(data.size()));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    char sleep[] = "sleep", seconds[] = "600";
    char *argv[] = { sleep, seconds, nullptr };
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, "sleep", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    PipeScope::Sys::close(fds[0]);
    writeEnds.emplace_back(fds[1]);
    return rc == 0 ? pid : -1;
}

qint64 median(std::vector<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption pipes(QStringLiteral("pipes"), QStringLiteral("Reader children (200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption refreshes(QStringLiteral("refreshes"), QStringLiteral("Refreshes measured (20)."), QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption bytes(QStringLiteral("bytes"), QStringLiteral("Bytes queued per pipe (1000)."), QStringLiteral("B"), QStringLiteral("1000"));
    parser.addOptions({ pipes, refreshes, bytes });
    parser.process(app);

    std::vector<PipeScope::Fd> writeEnds;
    std::vector<pid_t> children;
    for (int i = 0; i < parser.value(pipes).toInt(); ++i)
        children.push_back(spawnReader(parser.value(bytes).toLongLong(), writeEnds));

    PipeScope::Ui::SystemPage page;
    page.resize(1600, 1000);
    page.show();
    QElapsedTimer wall;
    qint64 lastBeat = 0, worstLateNs = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(1);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = wall.nsecsElapsed();
        worstLateNs = std::max(worstLateNs, now - lastBeat - 1000000);
        lastBeat = now;
    });
    std::vector<qint64> cpu, late, showNs;
    const int runs = parser.value(refreshes).toInt();
    for (int i = 0; i < runs + 2; ++i) { // two to warm up: the first frame lays out everything
        QApplication::processEvents();
        wall.start();
        lastBeat = 0;
        worstLateNs = 0;
        heartbeat.start();
        const qint64 before = threadCpuNs();
        // The scan runs on the monitor's worker; waiting for it costs this thread no CPU.
        QEventLoop shown;
        QObject::connect(&page, &PipeScope::Ui::SystemPage::snapshotShown, &shown, &QEventLoop::quit);
        page.refreshNow();
        shown.exec();
        const qint64 spent = threadCpuNs() - before;
        showNs.push_back(page.lastShowNs());
        QApplication::processEvents(); // let the heartbeat see how late it is
        heartbeat.stop();
        if (i >= 2) {
            cpu.push_back(spent);
            late.push_back(std::max(worstLateNs, wall.nsecsElapsed() - lastBeat - 1000000));
        }
    }
    const QJsonObject line { { QStringLiteral("bench"), QStringLiteral("systempage") },
                             { QStringLiteral("pipes_shown"), page.model()->rowCount() },
                             { QStringLiteral("refreshes"), runs },
                             { QStringLiteral("gui_cpu_ms_median"), double(median(cpu)) / 1e6 },
                             { QStringLiteral("gui_cpu_ms_max"), double(*std::max_element(cpu.begin(), cpu.end())) / 1e6 },
                             { QStringLiteral("gui_blocked_ms_median"), double(median(late)) / 1e6 },
                             { QStringLiteral("gui_blocked_ms_max"), double(*std::max_element(late.begin(), late.end())) / 1e6 },
                             { QStringLiteral("show_ms_median"), double(median(showNs)) / 1e6 } };
    QTextStream(stdout) << QJsonDocument(line).toJson(QJsonDocument::Compact) << '\n';
    for (pid_t pid : children) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    return 0;
}
