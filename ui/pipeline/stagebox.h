#pragma once
/// \file stagebox.h
/// One stage of the metered pipeline as a box: its command, its state as icon and word, a CPU
/// bar, the bytes it read and wrote ("≈" when other I/O counts too, "(splice)" when the counters
/// miss what splice() moved), and a Pause/Resume button (SIGSTOP/SIGCONT, asked of the page).
/// The bottleneck's box gets a thick border in the palette's highlight colour *and* the words
/// "⚑ bottleneck", never the colour alone; the cause is the page's banner sentence.

#include <pipescope/metersnapshot.h>

#include <QWidget>

class QProgressBar;
class QPushButton;

namespace PipeScope::Ui {

class LiveLabel;
class StateBadge;

class StageBox : public QWidget
{
    Q_OBJECT
public:
    explicit StageBox(int index, QWidget *parent = nullptr);

    /// Shows \a stage; \a bottleneck is its cause when this stage is the bottleneck.
    void setStage(const StageSample &stage, std::optional<BottleneckCause> bottleneck);
    /// After the end: the button is disabled, the state stays as last seen.
    void setFinished(bool finished);

    int index() const { return m_index; }
    bool isBottleneck() const { return m_bottleneck; }
    QString stateWord() const;
    QString bottleneckText() const;
    QPushButton *pauseButton() const { return m_pause; }

    QSize sizeHint() const override;

Q_SIGNALS:
    /// The user pressed Pause (\a stop true) or Resume.
    void pauseRequested(int index, bool stop);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    static QString bytesText(const StageSample &stage);
    static QString bytesToolTip(StageFlags flags);

    int m_index;
    bool m_bottleneck = false;
    bool m_stopped = false;
    LiveLabel *m_command;
    LiveLabel *m_pid;
    StateBadge *m_state;
    QProgressBar *m_cpu;
    LiveLabel *m_bytes;
    LiveLabel *m_marker;
    QPushButton *m_pause;
};

} // namespace PipeScope::Ui
