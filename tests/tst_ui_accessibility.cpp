// Issue 16, accessibility: every control a screen reader can land on has a name (the audit
// found 8 in all of ui/), and the fill gauges say their value in words, kept up to date. On
// the window as `pipescope --demo` shows it, with a real pipe filled by pausing its reader.
#include "pagestestsupport.h"

#include "datapanel.h"
#include "endpointspanel.h"
#include "kernelbuffergauge.h"
#include "kernelpanel.h"
#include "mainwindow.h"
#include "pipeinspector.h"
#include "readerpanel.h"
#include "timelinepanel.h"
#include "writebuffergauge.h"
#include "writerpanel.h"

#include <pipescope/labpipe.h>

#include <QAccessible>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

#include <csignal>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

QString accessible(QWidget *w, QAccessible::Text text)
{
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(text) : QString();
}

/// What a screen reader names: a spin box, not the line edit inside it that takes the focus.
QWidget *control(QWidget *w)
{
    QWidget *parent = w->parentWidget();
    return parent && parent->focusProxy() == w ? parent : w;
}

} // namespace

class TestAccessibility : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyControlIsNamed_data();
    void everyControlIsNamed();
    void gaugesSayTheirFill();
};

void TestAccessibility::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL);
}

void TestAccessibility::everyControlIsNamed_data()
{
    QTest::addColumn<int>("page");
    QTest::newRow("Pipe Lab") << 0;
    QTest::newRow("System") << 1;
    QTest::newRow("Lessons") << 2;
    QTest::newRow("Pipeline") << 3;
}

void TestAccessibility::everyControlIsNamed()
{
    QFETCH(int, page);
    DemoWindow demo = demoWindow();
    demo.window->resize(1400, 900);
    QWidget *shown = demo.showPage(page);
    // A screen reader reads a disabled control too (as unavailable).
    QList<QWidget *> controls = focusableControls(shown, Enabled::AndDisabled);
    if (page == 0) { // and the Lab's docks, shown with it
        for (QWidget *dock : { demo.window->endpointsPanel()->parentWidget(), demo.window->dataPanel()->parentWidget(),
                               demo.window->timelinePanel()->parentWidget() })
            controls << focusableControls(dock, Enabled::AndDisabled);
    }
    QVERIFY(controls.size() > 3);
    QStringList unnamed;
    for (QWidget *w : std::as_const(controls)) {
        if (accessible(control(w), QAccessible::Name).trimmed().isEmpty())
            unnamed << describe(control(w));
    }
    QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
}

void TestAccessibility::gaugesSayTheirFill()
{
    DemoWindow demo = demoWindow();
    Ui::PipeInspector *inspector = demo.window->inspector();
    Ui::KernelBufferGauge *kernel = inspector->kernelPanel()->gauge();
    Ui::WriteBufferGauge *writer = inspector->writerPanel()->bufferGauge();
    QTRY_VERIFY(kernel->capacity() > 0);
    const QString kernelBefore = accessible(kernel, QAccessible::Description);
    const QString writerBefore = accessible(writer, QAccessible::Description);
    QVERIFY2(kernelBefore.contains(QStringLiteral("of 64 KiB queued")), qPrintable(kernelBefore));
    // Reading paused, the demo's generator (now unlimited) fills the kernel buffer, then the
    // transport's.
    inspector->writerPanel()->rateBox()->setValue(0);
    QTest::mouseClick(inspector->readerPanel()->pauseButton(), Qt::LeftButton);
    QVERIFY(demo.pipe->isPausedByUser());
    QTRY_COMPARE(kernel->queued(), kernel->capacity());
    QTRY_VERIFY(writer->size() > writer->highWater());
    const QString kernelFull = accessible(kernel, QAccessible::Description);
    QCOMPARE(kernelFull, QStringLiteral("64 KiB of 64 KiB queued (100 %), 16 of 16 page slots in use"));
    QVERIFY(kernelFull != kernelBefore);
    const QString writerFull = accessible(writer, QAccessible::Description);
    QVERIFY(writerFull != writerBefore);
    QVERIFY2(writerFull.contains(QStringLiteral("above the high-water mark")), qPrintable(writerFull));
}

QTEST_MAIN(TestAccessibility)
#include "tst_ui_accessibility.moc"
