#pragma once
/// \file writerpanel.h
/// The writer column of the inspector: the write end's state, its transport buffer with the
/// water marks, Write EOF / Close / Abort, sending text, hex or a file, and the generator.
/// When the write end is a child's (its stdout), the child's /proc state instead.

#include <pipescope/labpipe.h>

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace PipeScope::Ui {

class ChildInfo;
class LiveLabel;
class StateBadge;
class WriteBufferGauge;

class WriterPanel : public QWidget
{
    Q_OBJECT
public:
    enum class SendMode { Text, Hex, File };

    explicit WriterPanel(QWidget *parent = nullptr);

    void setPipe(LabPipe *pipe);
    void refresh(const LabPipeSnapshot &s);
    /// Send and Generator, for the inspector to lay out below the flow picture.
    QWidget *controls() const { return m_controls; }

    // For tests and keyboard users.
    StateBadge *stateBadge() const { return m_state; }
    WriteBufferGauge *bufferGauge() const { return m_gauge; }
    QComboBox *sendModeBox() const { return m_mode; }
    QLineEdit *sendEdit() const { return m_input; }
    QCheckBox *newlineBox() const { return m_newline; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *writeEofButton() const { return m_eof; }
    QPushButton *closeButton() const { return m_close; }
    QPushButton *abortButton() const { return m_abort; }
    QSpinBox *rateBox() const { return m_rate; }
    QSpinBox *chunkBox() const { return m_chunk; }
    QPushButton *generatorButton() const { return m_generate; }
    LiveLabel *numbersLabel() const { return m_numbers; }

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    QWidget *createOwnPage();
    QWidget *createSendBox();
    QWidget *createGeneratorBox();
    void send();
    void chooseFile();
    void toggleGenerator();
    void applyGeneratorSettings();
    void updateWritesPerSecond();
    void updateSendPlaceholder();

    QPointer<LabPipe> m_pipe;
    QStackedWidget *m_pages;
    ChildInfo *m_childInfo;
    StateBadge *m_state = nullptr;
    WriteBufferGauge *m_gauge = nullptr;
    LiveLabel *m_numbers = nullptr;
    QPushButton *m_eof = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_abort = nullptr;
    QComboBox *m_mode = nullptr;
    QLineEdit *m_input = nullptr;
    QCheckBox *m_newline = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_browse = nullptr;
    QSpinBox *m_rate = nullptr;
    QSpinBox *m_chunk = nullptr;
    QComboBox *m_pattern = nullptr;
    QLabel *m_writesPerSecond = nullptr;
    QPushButton *m_generate = nullptr;
    QWidget *m_controls = nullptr;
};

} // namespace PipeScope::Ui
