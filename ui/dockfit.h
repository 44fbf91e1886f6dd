#pragma once
/// \file dockfit.h
/// Keeps the width a scrolled page needs free beside the docks. QMainWindow gives a dock the
/// width it was given (the Lab's Endpoints dock: 440 px) and the central widget the rest;
/// a scroll area asks for almost nothing, so in a 1024×768 window the inspector scrolled
/// sideways and its Reader panel, with the Pause button, was off the right edge (at
/// 1280×800 clipped). DockFit shrinks the docks beside the page instead, down to their own
/// minimum, whenever the page is narrower than its contents' minimum width. A window too
/// narrow even then still scrolls the page; a floating or hidden dock is left alone, and a
/// dock the user widens again keeps its width while the page still fits.

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QDockWidget;
class QMainWindow;
class QScrollArea;

namespace PipeScope::Ui {

class DockFit : public QObject
{
    Q_OBJECT
public:
    /// \a docks: those in the left or right dock area, beside \a page.
    DockFit(QMainWindow *window, QScrollArea *page, const QList<QDockWidget *> &docks);

    /// The width \a page needs to show its contents without scrolling sideways.
    static int neededWidth(const QScrollArea *page);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fit();

    QMainWindow *m_window;
    QScrollArea *m_page;
    QList<QPointer<QDockWidget>> m_docks;
    QTimer m_soon; ///< after the layout that resized the page, not inside it
};

} // namespace PipeScope::Ui
