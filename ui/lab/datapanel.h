#pragma once
/// \file datapanel.h
/// The Data dock: the selected pipe's received bytes and its kernel peek in a HexView.

#include <pipescope/labpipe.h>

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;

namespace PipeScope::Ui {

class HexView;
class LiveLabel;

class DataPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr qsizetype PeekBytes = 1024;

    explicit DataPanel(QWidget *parent = nullptr);

    void setPipe(LabPipe *pipe);
    /// Re-reads the pipe's received tail and peeks the kernel queue (on the window's timer).
    void refresh();
    HexView *hexView() const { return m_view; }
    QCheckBox *peekBox() const { return m_peek; }
    LiveLabel *summaryLabel() const { return m_summary; }

private:
    QPointer<LabPipe> m_pipe;
    LiveLabel *m_summary;
    QCheckBox *m_peek;
    HexView *m_view;
};

} // namespace PipeScope::Ui
