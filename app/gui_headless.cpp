// Built with PIPESCOPE_BUILD_GUI=OFF: there is no window to open.
#include "command.h"
#include "gui.h"

#include <QTextStream>

namespace PipeScope::App {

int runGui(int &, char **, const GuiOptions &)
{
    QTextStream(stderr) << "pipescope: this build has no GUI (PIPESCOPE_BUILD_GUI=OFF); "
                           "see pipescope --help for the headless commands\n";
    return ExitFailure;
}

} // namespace PipeScope::App
