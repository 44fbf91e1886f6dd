#pragma once
/// \file pipeinspector.h
/// The selected pipe drawn as writer → kernel buffer → reader, with the controls of each end
/// and the throughput below. refresh() is called by the window's timer with a snapshot.

#include <pipescope/labpipe.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;

namespace PipeScope::Ui {

class KernelPanel;
class LiveLabel;
class ReaderPanel;
class Sparkline;
class WriterPanel;

class PipeInspector : public QWidget
{
    Q_OBJECT
public:
    explicit PipeInspector(QWidget *parent = nullptr);

    /// Shows \a pipe (nullptr: the "no pipe selected" page).
    void setPipe(LabPipe *pipe);
    LabPipe *pipe() const { return m_pipe; }
    void refresh(const LabPipeSnapshot &s);

    WriterPanel *writerPanel() const { return m_writer; }
    KernelPanel *kernelPanel() const { return m_kernel; }
    ReaderPanel *readerPanel() const { return m_reader; }
    LiveLabel *totalsLabel() const { return m_totals; }

Q_SIGNALS:
    void errorOccurred(const QString &message);
    void removeRequested(int pipeId);

private:
    QWidget *createPipePage();
    QWidget *createEmptyPage();
    QWidget *column(const QString &title, const QString &tooltip, QWidget *content);
    QWidget *arrow();

    QPointer<LabPipe> m_pipe;
    QStackedWidget *m_pages;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QPushButton *m_remove = nullptr;
    WriterPanel *m_writer = nullptr;
    KernelPanel *m_kernel = nullptr;
    ReaderPanel *m_reader = nullptr;
    Sparkline *m_sparkline = nullptr;
    LiveLabel *m_totals = nullptr;
};

} // namespace PipeScope::Ui
