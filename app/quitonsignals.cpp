#include "quitonsignals.h"

#include <pipescope/sys.h>

#include <QCoreApplication>
#include <QSocketNotifier>

#include <array>
#include <csignal>

namespace PipeScope::App {

namespace {

constexpr std::array<int, 3> Handled { SIGINT, SIGTERM, SIGHUP };

volatile std::sig_atomic_t s_signal = 0;
int s_writeEnd = -1;
std::array<struct sigaction, Handled.size()> s_previous {};
std::array<bool, Handled.size()> s_installed {};

void restoreDefaults()
{
    struct sigaction action = {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < Handled.size(); ++i) {
        if (s_installed[i])
            ::sigaction(Handled[i], &action, nullptr);
    }
}

void onSignal(int signo)
{
    const int savedErrno = errno;
    s_signal = signo;
    const char byte = char(signo);
    [[maybe_unused]] const ssize_t n = ::write(s_writeEnd, &byte, 1);
    restoreDefaults(); // sigaction() is async-signal-safe: the next signal is not caught
    errno = savedErrno;
}

} // namespace

QuitOnSignals::QuitOnSignals(QObject *parent) : QObject(parent)
{
    int fds[2];
    if (Sys::pipe2(fds, O_NONBLOCK) != 0) {
        qWarning("QuitOnSignals: pipe2: %s", qPrintable(Sys::errorText(errno)));
        return;
    }
    m_readEnd = Fd(fds[0]);
    s_writeEnd = fds[1];
    auto *notifier = new QSocketNotifier(fds[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this] {
        char byte = 0;
        while (Sys::read(m_readEnd.get(), &byte, 1) > 0) { }
        QCoreApplication::quit(); // leaves nested loops too: a running lesson step returns
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (size_t i = 0; i < Handled.size(); ++i) {
        ::sigaction(Handled[i], nullptr, &s_previous[i]);
        if (s_previous[i].sa_handler == SIG_IGN)
            continue;
        s_installed[i] = ::sigaction(Handled[i], &action, nullptr) == 0;
    }
}

QuitOnSignals::~QuitOnSignals()
{
    for (size_t i = 0; i < Handled.size(); ++i) {
        if (s_installed[i])
            ::sigaction(Handled[i], &s_previous[i], nullptr);
        s_installed[i] = false;
    }
    if (s_writeEnd >= 0)
        Sys::close(s_writeEnd);
    s_writeEnd = -1;
}

int QuitOnSignals::signalNumber()
{
    return s_signal;
}

} // namespace PipeScope::App
