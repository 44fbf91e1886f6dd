// LessonsPanel's presentation (classroom) mode: full screen, fonts scaled to the screen, the
// keys that drive it and the split between the step's text and the live graph
// (lessonspanel.cpp holds the page itself: lessons, steps, running them).
#include "lessonspanel.h"

#include "lessonliveview.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QFontInfo>
#include <QLabel>
#include <QLayout>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QTimer>

#include <algorithm>

namespace PipeScope::Ui {

namespace {

/// Lines of text a projected screen shows from top to bottom: readable from the back of a
/// classroom, like a slide's body text.
constexpr double LinesPerScreen = 36.0;

/// The step text never takes more than this share of the height: the graph keeps the rest.
constexpr double MaximumTextShare = 0.6;

} // namespace

double LessonsPanel::presentationScaleFor(int screenHeight, int basePixels)
{
    if (screenHeight <= 0 || basePixels <= 0)
        return 1.25;
    return std::clamp(screenHeight / LinesPerScreen / basePixels, 1.25, 4.0);
}

void LessonsPanel::createClassroomKeys()
{
    const auto key = [this](QKeySequence sequence, auto action) {
        auto *shortcut = new QShortcut(sequence, this);
        shortcut->setContext(Qt::WindowShortcut);
        shortcut->setEnabled(false); // only in presentation mode
        connect(shortcut, &QShortcut::activated, this, action);
        m_classroomKeys << shortcut;
    };
    key(QKeySequence(Qt::Key_Space), &LessonsPanel::next);
    key(QKeySequence(Qt::Key_Right), &LessonsPanel::next);
    key(QKeySequence(Qt::Key_Left), &LessonsPanel::back);
    key(QKeySequence(Qt::Key_R), &LessonsPanel::restart);
    key(QKeySequence(Qt::Key_F), &LessonsPanel::toggleFullScreen);
    key(QKeySequence(Qt::Key_Escape), [this] { setPresentationMode(false); });
}

void LessonsPanel::setPresentationMode(bool on)
{
    if (m_presentation == on)
        return;
    m_presentation = on;
    m_presentationBox->setChecked(on);
    m_lessons->setVisible(!on);
    m_steps->setVisible(!on); // "Step 2 of 3: …" above the text says where we are
    m_save->setVisible(!on);  // after class, not on the projector: the row must fit the screen
    for (QShortcut *shortcut : std::as_const(m_classroomKeys))
        shortcut->setEnabled(on);
    setButtonsTakeFocus(!on);
    if (on)
        enterFullScreen();
    else
        leaveFullScreen();
    applyFontScale();
    if (on)
        fitStepText();
    Q_EMIT presentationModeChanged(on);
}

void LessonsPanel::setPresentationScreen(QScreen *screen)
{
    m_screen = screen;
    if (m_presentation) {
        enterFullScreen();
        applyFontScale();
    }
}

void LessonsPanel::enterFullScreen()
{
    QWidget *top = window();
    if (!(top->windowState() & Qt::WindowFullScreen)) {
        m_stateBefore = top->windowState();
        m_geometryBefore = top->geometry();
    }
    if (m_screen)
        top->setScreen(m_screen);
    // Without a window manager (a kiosk, a bare X server) nobody honours the full screen
    // state: the window covers the screen itself, and a window manager then agrees.
    if (QScreen *screen = m_screen ? m_screen.data() : top->screen())
        top->setGeometry(screen->geometry());
    top->setWindowState(top->windowState() | Qt::WindowFullScreen);
}

void LessonsPanel::leaveFullScreen()
{
    QWidget *top = window();
    if (!(top->windowState() & Qt::WindowFullScreen))
        return;
    top->setWindowState(m_stateBefore & ~Qt::WindowFullScreen);
    if (!(m_stateBefore & Qt::WindowMaximized) && m_geometryBefore.isValid())
        top->setGeometry(m_geometryBefore);
}

void LessonsPanel::toggleFullScreen()
{
    if (window()->windowState() & Qt::WindowFullScreen)
        leaveFullScreen();
    else
        enterFullScreen();
}

void LessonsPanel::setButtonsTakeFocus(bool take)
{
    // In presentation mode the keys drive the lesson: a button that kept the focus would take
    // Space for itself (a focused control keeps its keys), and Space would restart instead of
    // going on. The buttons stay clickable.
    for (QAbstractButton *button : findChildren<QAbstractButton *>())
        button->setFocusPolicy(take ? Qt::StrongFocus : Qt::NoFocus);
    if (!take)
        setFocus(Qt::OtherFocusReason);
}

void LessonsPanel::applyFontScale()
{
    QScreen *screen = m_screen ? m_screen.data() : window()->screen();
    const int screenHeight = screen ? screen->geometry().height() : 0;
    m_scale = m_presentation ? presentationScaleFor(screenHeight, QFontInfo(m_baseFont).pixelSize()) : 1.0;
    QFont font = m_baseFont;
    if (m_baseFont.pointSizeF() > 0)
        font.setPointSizeF(m_baseFont.pointSizeF() * m_scale);
    else
        font.setPixelSize(qRound(m_baseFont.pixelSize() * m_scale));
    setFont(font); // children without their own font follow
    for (QLabel *label : findChildren<QLabel *>()) {
        if (label->font().bold()) { // captions set their own (bold) font: scale it too
            QFont bold = font;
            bold.setBold(true);
            label->setFont(bold);
        }
    }
    m_live->setPresentation(m_presentation, font);
}

void LessonsPanel::fitStepText()
{
    // Once the new text and fonts are laid out (a step's observation arrives with its words).
    QTimer::singleShot(0, this, [this] {
        if (m_presentation)
            fitStepTextNow();
    });
}

void LessonsPanel::fitStepTextNow()
{
    const int total = m_stepAndLive->height() - m_stepAndLive->handleWidth();
    if (total <= 0)
        return;
    m_detailScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int frame = 2 * m_detailScroll->frameWidth();
    const int width = m_detailScroll->width() - frame;
    const int needed = m_detail->layout()->totalHeightForWidth(width) + frame;
    const int text = std::min(needed, int(total * MaximumTextShare));
    m_stepAndLive->setSizes({ text, total - text });
}

void LessonsPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_presentation)
        fitStepTextNow();
}

} // namespace PipeScope::Ui
