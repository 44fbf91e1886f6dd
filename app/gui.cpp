// The GUI entry point: the Pipe Lab window, with the demo pipe or a saved lab.
#include "gui.h"

#include "lessonspanel.h"
#include "mainwindow.h"

#include <pipescope/lab.h>

#include <QApplication>

namespace PipeScope::App {

int runGui(int &argc, char **argv, const GuiOptions &options)
{
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("PipeScope"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.pipescope"));
    Ui::MainWindow window;
    window.addPage(new Ui::LessonsPanel(&window), QStringLiteral("Lessons"));
    // options.pid belongs to the System page, which registers itself through addPage().
    if (!options.labFile.isEmpty())
        window.openLab(options.labFile); // a failure is shown in the window, which starts empty
    else if (options.demo)
        window.lab()->addDemoPipe();
    window.show();
    return app.exec();
}

} // namespace PipeScope::App
