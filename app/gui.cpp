// The GUI entry point: the Pipe Lab window, with the demo pipe or a saved lab.
#include "command.h"
#include "gui.h"
#include "nodisplay.h"
#include "quitonsignals.h"

#include "lessonspanel.h"
#include "mainwindow.h"
#include "pipelinepage.h"
#include "systempage.h"

#include <pipescope/lab.h>

#include <QApplication>
#include <QScreen>
#include <QTextStream>

namespace PipeScope::App {

int runGui(int &argc, char **argv, const GuiOptions &options)
{
    if (!hasDisplay()) { // Qt would abort: "could not connect to display"
        QTextStream(stderr) << noDisplayMessage();
        return ExitUsage;
    }
    QApplication app(argc, argv);
    const QuitOnSignals quitOnSignals; // Ctrl+C, kill, a closed terminal: clean up and exit
    QApplication::setApplicationDisplayName(QStringLiteral("PipeScope"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.pipescope"));
    Ui::MainWindow window;
    auto *system = new Ui::SystemPage(&window);
    window.addPage(system, QStringLiteral("System"));
    QObject::connect(system, &Ui::SystemPage::errorOccurred, &window, &Ui::MainWindow::showError);
    auto *lessons = new Ui::LessonsPanel(&window);
    window.addPage(lessons, QStringLiteral("Lessons"));
    QObject::connect(lessons, &Ui::LessonsPanel::openInSystemPage, system,
                     [&window, system](const QString &pipeKey) {
                         window.pages()->setCurrentWidget(system);
                         system->revealPipe(pipeKey);
                     });
    auto *pipeline = new Ui::PipelinePage(&window);
    window.addPage(pipeline, QStringLiteral("Pipeline"));
    QObject::connect(pipeline, &Ui::PipelinePage::errorOccurred, &window, &Ui::MainWindow::showError);
    QObject::connect(system, &Ui::SystemPage::meterPipelineRequested, pipeline,
                     [&window, pipeline](qint64 pid) {
                         window.pages()->setCurrentWidget(pipeline);
                         pipeline->attach(pid);
                     });
    if (!options.runPipeline.isEmpty() || options.attachPid > 0) {
        window.pages()->setCurrentWidget(pipeline);
        if (options.attachPid > 0)
            pipeline->attach(options.attachPid); // a refusal is shown on the page
        else
            pipeline->run(options.runPipeline);
    }
    if (options.pid > 0) {
        window.pages()->setCurrentWidget(system);
        system->setPidFilter(options.pid); // as `list --pid`: only its pipes, until the chip is clicked
        system->followPid(options.pid);    // applied once the process shows up in a scan
    }
    if (!options.lesson.isEmpty()) {
        window.pages()->setCurrentWidget(lessons);
        lessons->selectLesson(options.lesson); // main() checked the name
    }
    QObject::connect(lessons, &Ui::LessonsPanel::presentationModeChanged, &window,
                     &Ui::MainWindow::setChromeHidden);
    if (options.presentation) {
        window.pages()->setCurrentWidget(lessons);
        if (options.screen >= 0) {
            const QList<QScreen *> screens = QGuiApplication::screens();
            if (options.screen < screens.size())
                lessons->setPresentationScreen(screens.at(options.screen));
            else
                QTextStream(stderr) << QStringLiteral("pipescope: no screen %1 (there are %2): "
                                                      "presenting on the primary screen\n")
                                               .arg(options.screen)
                                               .arg(screens.size());
        }
        lessons->setPresentationMode(true);
    }
    window.setTrustLabCommands(options.trust);
    if (!options.labFile.isEmpty())
        window.openLab(options.labFile); // a failure is shown in the window, which starts empty
    else if (options.demo)
        window.lab()->addDemoPipe();
    window.show();
    return QuitOnSignals::exitStatus(app.exec()); // then the window's children are reaped
}

} // namespace PipeScope::App
