#include "command.h"

#include <pipescope/pipeprobe.h>
#include <pipescope/processstate.h>

#include <QRegularExpression>
#include <QTextStream>

#include <limits>
#include <sys/types.h>

namespace PipeScope::App {

namespace {
// Function-local so registration from other translation units' static initialisers works
// whatever order they run in.
std::vector<Command> &registry()
{
    static std::vector<Command> all;
    return all;
}
} // namespace

const std::vector<Command> &commands()
{
    return registry();
}

const Command *findCommand(const QString &name)
{
    for (const Command &command : registry()) {
        if (name == QLatin1String(command.name))
            return &command;
    }
    return nullptr;
}

bool registerCommand(const Command &command)
{
    registry().push_back(command);
    return true;
}

int usageError(const QString &message, const QString &help)
{
    QTextStream err(stderr);
    err << "pipescope: " << message << "\n\n" << help;
    return ExitUsage;
}

namespace {

template<typename T>
std::optional<T> refuse(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

} // namespace

std::optional<qint64> parseNumber(const QString &text, qint64 minimum, qint64 maximum,
                                  const QString &what, QString *error)
{
    // [0-9], not \\d: \\d also matches other scripts' digits, which toLongLong() refuses.
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    bool ok = false;
    const qint64 value = digits.match(text).hasMatch() ? text.toLongLong(&ok) : 0;
    if (!ok || value < minimum || value > maximum) {
        return refuse<qint64>(error, QStringLiteral("%1 needs a number from %2 to %3, got '%4'")
                                             .arg(what)
                                             .arg(minimum)
                                             .arg(maximum)
                                             .arg(text));
    }
    return value;
}

std::optional<qint64> parsePid(const QString &text, const QString &what, QString *error)
{
    return parseNumber(text, 1, std::numeric_limits<pid_t>::max(), what, error);
}

std::optional<qint64> parseByteCount(const QString &text, qint64 maximum, const QString &what,
                                     QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]+)([kKmM]?)$"));
    const QRegularExpressionMatch match = pattern.match(text);
    const QString unit = match.captured(2).toLower();
    const qint64 multiple = unit == u"k" ? 1024 : unit == u"m" ? 1024 * 1024 : 1;
    bool ok = false;
    const qint64 value = match.hasMatch() ? match.captured(1).toLongLong(&ok) : 0;
    // Compare before multiplying: value * multiple could overflow.
    if (!ok || value > maximum / multiple) {
        return refuse<qint64>(error, QStringLiteral("%1 needs a byte count from 0 to %2 (K and M "
                                                    "allowed), got '%3'")
                                             .arg(what)
                                             .arg(maximum)
                                             .arg(text));
    }
    return value * multiple;
}

bool processExists(qint64 pid)
{
    return ProcessState::read(pid, QStringLiteral("/proc"), ProcessState::Files::StatOnly).isValid();
}

int noProcess(const char *command, qint64 pid)
{
    QTextStream(stderr) << "pipescope " << command << ": no process " << pid << '\n';
    return ExitFailure;
}

std::optional<PidFd> parsePidFd(const QString &text, QString *error)
{
    Error problem;
    const std::optional<PipeProbe> probe = PipeProbe::fromSpec(text, &problem);
    if (probe && probe->target() == PipeProbe::Target::ProcessFd)
        return PidFd{ probe->pid(), probe->fd() };
    return refuse<PidFd>(error, probe ? QStringLiteral("expected PID:FD, e.g. 812:0, got '%1'").arg(text)
                                      : problem.message());
}

} // namespace PipeScope::App
