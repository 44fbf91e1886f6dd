#pragma once
/// \file readerpanel.h
/// The reader column of the inspector: the reading state, big, with Pause reading / Resume
/// reading (Space toggles), Close / Abort, and the simulated slow consumer. When the read end
/// is a child's (its stdin), the child's /proc state instead.

#include <pipescope/labpipe.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace PipeScope::Ui {

class ChildInfo;
class LiveLabel;
class StateBadge;

class ReaderPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ReaderPanel(QWidget *parent = nullptr);

    void setPipe(LabPipe *pipe);
    void refresh(const LabPipeSnapshot &s);
    /// The slow consumer, for the inspector to lay out below the flow picture.
    QWidget *controls() const { return m_controls; }
    /// Pauses a reading reader, resumes a paused one (the Space key).
    void togglePause();

    StateBadge *stateBadge() const { return m_state; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *closeButton() const { return m_close; }
    QPushButton *abortButton() const { return m_abort; }
    QPushButton *openReaderButton() const { return m_openReader; }
    QSpinBox *maxRateBox() const { return m_maxRate; }
    LiveLabel *numbersLabel() const { return m_numbers; }
    ChildInfo *childInfo() const { return m_childInfo; }

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    QWidget *createOwnPage();
    void updatePauseButton();
    void openReader();

    QPointer<LabPipe> m_pipe;
    QStackedWidget *m_pages;
    ChildInfo *m_childInfo;
    StateBadge *m_state = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_openReader = nullptr;
    QSpinBox *m_maxRate = nullptr;
    LiveLabel *m_numbers = nullptr;
    QWidget *m_controls = nullptr;
};

} // namespace PipeScope::Ui
