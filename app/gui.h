#pragma once

#include <QString>

namespace PipeScope::App {

/// What the command line asks of the GUI.
struct GuiOptions
{
    QString labFile;   ///< a saved lab to open instead of the demo lab
    qint64 pid = -1;   ///< `--pid PID`: open the System page focused on this process
    bool demo = true;  ///< `--no-demo`: start with an empty lab
    QString lesson;    ///< `--lesson NAME`: open the Lessons page at this lesson
    bool presentation = false; ///< `--presentation`: lessons full screen, for a projector
    int screen = -1; ///< `--screen N`: presentation mode on screen N (-1: the primary one)
    QString runPipeline; ///< `--run 'CMD'`: open the Pipeline page metering this pipeline
    qint64 attachPid = -1; ///< `--attach PID`: open the Pipeline page on PID's pipeline
    bool trust = false; ///< `--trust`: start a lab file's child processes without asking
};

/// Opens the PipeScope window and runs the event loop; returns the exit status.
int runGui(int &argc, char **argv, const GuiOptions &options);

} // namespace PipeScope::App
