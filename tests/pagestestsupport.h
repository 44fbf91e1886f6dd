#pragma once
// The window as `pipescope --demo` shows it (app/gui.cpp): the Pipe Lab with its demo pipe
// selected, then the System, Lessons and Pipeline pages. For the tests that walk every page
// (keyboard, screen reader, small screens).

#include <QList>
#include <QWidget>

#include <memory>

namespace PipeScope {
class LabPipe;
}

namespace PipeScope::Ui {
class LessonsPanel;
class MainWindow;
class PipelinePage;
class SystemPage;
}

namespace PipeScope::Test {

struct DemoWindow
{
    std::unique_ptr<Ui::MainWindow> window;
    LabPipe *pipe = nullptr; ///< the demo pipe, connected and selected
    Ui::SystemPage *system = nullptr;
    Ui::LessonsPanel *lessons = nullptr;
    Ui::PipelinePage *pipeline = nullptr;

    /// The four pages' widgets in the tab widget (the Lab's is its scroll area).
    QList<QWidget *> pages() const;
    /// Makes page \a index current and waits until it is laid out.
    QWidget *showPage(int index);
};

/// A shown, active window of \a size (the default size when invalid); nullptr-free or fatal.
DemoWindow demoWindow(QSize size = {});

enum class Enabled { Only, AndDisabled };

/// The visible widgets under \a page that Tab stops at (or would, once enabled).
QList<QWidget *> focusableControls(const QWidget *page, Enabled which = Enabled::Only);

/// A name for messages: the object name, else the class and the accessible name or text.
QString describe(const QWidget *widget);

} // namespace PipeScope::Test
