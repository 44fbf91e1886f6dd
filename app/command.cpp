#include "command.h"

#include <QTextStream>

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

} // namespace PipeScope::App
