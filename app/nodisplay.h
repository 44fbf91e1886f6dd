#pragma once
/// \file nodisplay.h
/// Started without a display, `pipescope` says what to do instead of letting Qt abort with
/// "could not connect to display" (exit 134).

#include <QString>

namespace PipeScope::App {

/// Whether the window has somewhere to go: Qt's platform was chosen explicitly with
/// QT_QPA_PLATFORM (offscreen, vnc... are the user's call), or DISPLAY or WAYLAND_DISPLAY is set.
bool hasDisplay();

/// One paragraph: the window needs X11 or Wayland; the headless commands that work
/// without; ssh -X, xvfb-run and Qt's vnc platform.
QString noDisplayMessage();

} // namespace PipeScope::App
