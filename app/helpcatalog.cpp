#include "helpcatalog.h"
#include "command.h"

#include <pipescope/lessoncatalog.h>

#include <QCoreApplication>
#include <QProcess>

#include <algorithm>

namespace PipeScope::App {

namespace {

std::optional<HelpText> helpOf(const QString &program, const QStringList &arguments, QString *error)
{
    QProcess process;
    process.start(program, arguments);
    const bool finished = process.waitForFinished(60000);
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QString command = QStringLiteral("%1 %2").arg(program, arguments.join(u' '));
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != ExitOk) {
        *error = QStringLiteral("%1 failed (%2): %3")
                         .arg(command, process.errorString(),
                              QString::fromLocal8Bit(process.readAllStandardError()));
        return std::nullopt;
    }
    std::optional<HelpText> help = parseHelpText(out);
    if (!help)
        *error = QStringLiteral("%1 did not print QCommandLineParser's help:\n%2").arg(command, out);
    return help;
}

} // namespace

std::optional<HelpCatalog> HelpCatalog::collect(const QString &program, QString *error)
{
    HelpCatalog catalog;
    catalog.version = QCoreApplication::applicationVersion();
    std::optional<HelpText> top = helpOf(program, { QStringLiteral("--help") }, error);
    if (!top)
        return std::nullopt;
    catalog.program = *top;
    // The command list main() appends is known here first hand, from the registry.
    catalog.program.sections.removeIf([](const HelpSection &section) {
        return section.title.startsWith(QLatin1String("Commands"));
    });
    for (const Command &command : App::commands()) {
        const QString name = QLatin1String(command.name);
        std::optional<HelpText> help = helpOf(program, { name, QStringLiteral("--help") }, error);
        if (!help)
            return std::nullopt;
        catalog.commands.append({ name, QLatin1String(command.summary), *help });
    }
    std::sort(catalog.commands.begin(), catalog.commands.end(),
              [](const CommandHelp &a, const CommandHelp &b) { return a.name < b.name; });
    for (const Lesson &lesson : LessonCatalog::all())
        catalog.lessons << lesson.id;
    return catalog;
}

} // namespace PipeScope::App
