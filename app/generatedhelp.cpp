#include "generatedhelp.h"
#include "bashcompletion.h"
#include "command.h"
#include "manpage.h"
#include "zshcompletion.h"

#include <QCoreApplication>
#include <QTextStream>

namespace PipeScope::App {

int printGeneratedHelp(const QString &what)
{
    if (what != QLatin1String("man") && what != QLatin1String("bash") && what != QLatin1String("zsh")) {
        QTextStream(stderr) << "pipescope: --help-completion takes bash or zsh, not '" << what << "'\n";
        return ExitUsage;
    }
    QString error;
    const std::optional<HelpCatalog> catalog =
            HelpCatalog::collect(QCoreApplication::applicationFilePath(), &error);
    if (!catalog) {
        QTextStream(stderr) << "pipescope: " << error << '\n';
        return ExitFailure;
    }
    QTextStream out(stdout);
    if (what == QLatin1String("man"))
        out << manPage(*catalog);
    else if (what == QLatin1String("bash"))
        out << bashCompletion(CompletionSpec::from(*catalog));
    else
        out << zshCompletion(CompletionSpec::from(*catalog));
    return ExitOk;
}

} // namespace PipeScope::App
