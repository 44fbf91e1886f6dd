#pragma once
/// \file theme.h
/// The application's colours: the system's, or light, dark or high contrast (View ▸ Theme).
/// The chosen ones use the Fusion style, which draws every control with the palette (a
/// platform style may keep its own colours). The choice is saved by MainWindow.

#include <QString>

namespace PipeScope::Ui::Theme {

enum class Kind { System, Light, Dark, HighContrast };

/// "system", "light", "dark", "high-contrast" (the settings' words).
QString name(Kind kind);
/// The kind named \a name; System for an unknown name.
Kind fromName(const QString &name);
/// "System", "Light", "Dark", "High contrast" (the menu's words).
QString title(Kind kind);
/// Applies \a kind to the whole application (QApplication must exist).
void apply(Kind kind);
/// The theme last applied (System before any).
Kind current();

} // namespace PipeScope::Ui::Theme
