#include "pagestestsupport.h"

#include "testsupport.h"

#include "lessonspanel.h"
#include "mainwindow.h"
#include "pipelinepage.h"
#include "systempage.h"

#include <pipescope/lab.h>
#include <pipescope/labpipe.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QAbstractButton>
#include <QApplication>
#include <QTabWidget>
#include <QTest>

namespace PipeScope::Test {

QList<QWidget *> DemoWindow::pages() const
{
    QList<QWidget *> result;
    for (int i = 0; i < window->pages()->count(); ++i)
        result << window->pages()->widget(i);
    return result;
}

QWidget *DemoWindow::showPage(int index)
{
    window->pages()->setCurrentIndex(index);
    QWidget *page = window->pages()->widget(index);
    QApplication::processEvents(); // the docks leave or come back, layouts settle
    QTest::qWait(50);
    return page;
}

DemoWindow demoWindow(QSize size)
{
    DemoWindow demo;
    demo.window = std::make_unique<Ui::MainWindow>();
    Ui::MainWindow &window = *demo.window;
    demo.system = new Ui::SystemPage(&window);
    window.addPage(demo.system, QStringLiteral("System"));
    demo.lessons = new Ui::LessonsPanel(&window);
    window.addPage(demo.lessons, QStringLiteral("Lessons"));
    demo.pipeline = new Ui::PipelinePage(&window);
    window.addPage(demo.pipeline, QStringLiteral("Pipeline"));
    demo.pipe = window.lab()->addDemoPipe();
    if (!demo.pipe || !waitForConnectionMade({ demo.pipe->reader(), demo.pipe->writer() }))
        qFatal("no demo pipe");
    if (size.isValid())
        window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        qFatal("window not exposed");
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window))
        qFatal("window not active");
    if (!QTest::qWaitFor([&] { return window.selectedPipe() == demo.pipe; }))
        qFatal("demo pipe not selected");
    window.refresh();
    return demo;
}

QList<QWidget *> focusableControls(const QWidget *page, Enabled which)
{
    QList<QWidget *> result;
    for (QWidget *w : page->findChildren<QWidget *>()) {
        if ((w->focusPolicy() & Qt::TabFocus) == Qt::TabFocus && w->isVisible()
            && (w->isEnabled() || which == Enabled::AndDisabled)
            && !w->focusProxy())
            result << w;
    }
    return result;
}

QString describe(const QWidget *widget)
{
    if (!widget)
        return QStringLiteral("(none)");
    QString text = widget->accessibleName();
    if (const auto *button = qobject_cast<const QAbstractButton *>(widget))
        text = button->text();
    return QStringLiteral("%1 '%2' %3").arg(QString::fromLatin1(widget->metaObject()->className()), text,
                                             widget->objectName());
}

} // namespace PipeScope::Test
