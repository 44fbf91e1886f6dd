#include "nodisplay.h"
#include "command.h"

#include <QStringList>

#include <algorithm>

namespace PipeScope::App {

namespace {

bool isSet(const char *variable)
{
    return !qEnvironmentVariableIsEmpty(variable);
}

QString headlessCommands()
{
    QStringList names;
    for (const Command &command : commands()) {
        if (qstrcmp(command.name, "help") != 0)
            names << QStringLiteral("pipescope ") + QLatin1String(command.name);
    }
    std::sort(names.begin(), names.end());
    return names.join(QStringLiteral(", "));
}

// Wrapped for an 80-column terminal, at spaces outside `commands`.
QString wrapped(const QString &text, int width)
{
    QStringList words;
    bool inCommand = false;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (inCommand)
            words.last() += u' ' + word;
        else
            words << word;
        inCommand = inCommand != (word.count(u'`') % 2 == 1);
    }
    QString out;
    int column = 0;
    for (const QString &word : std::as_const(words)) {
        if (column > 0 && column + 1 + word.size() > width) {
            out += u'\n';
            column = 0;
        } else if (column > 0) {
            out += u' ';
            ++column;
        }
        out += word;
        column += int(word.size());
    }
    return out + u'\n';
}

} // namespace

bool hasDisplay()
{
    return isSet("QT_QPA_PLATFORM") || isSet("DISPLAY") || isSet("WAYLAND_DISPLAY");
}

QString noDisplayMessage()
{
    return wrapped(QStringLiteral(
                   "pipescope: there is no display to open the window on: the PipeScope window "
                   "needs an X11 or Wayland session, and neither DISPLAY nor WAYLAND_DISPLAY is "
                   "set. The headless commands work without one: %1 (pipescope help COMMAND "
                   "tells more). To see the window from here, log in with `ssh -X` (X11 "
                   "forwarding), run it in a virtual X server with `xvfb-run -a pipescope`, or "
                   "serve it to a VNC viewer with `QT_QPA_PLATFORM=vnc pipescope` (port 5900).")
                           .arg(headlessCommands()),
                   79);
}

} // namespace PipeScope::App
