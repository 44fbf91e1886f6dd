#pragma once
/// \file kernelpanel.h
/// The middle column of the inspector: the kernel's pipe buffer (queued bytes against the
/// capacity, in page slots), the capacity setting (F_SETPIPE_SZ) with the kernel's answer,
/// and the warning when the writer is blocked.

#include <pipescope/labpipe.h>

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace PipeScope::Ui {

class KernelBufferGauge;
class LiveLabel;

class KernelPanel : public QWidget
{
    Q_OBJECT
public:
    explicit KernelPanel(QWidget *parent = nullptr);

    void setPipe(LabPipe *pipe);
    void refresh(const LabPipeSnapshot &s);

    KernelBufferGauge *gauge() const { return m_gauge; }
    QSpinBox *capacityBox() const { return m_capacity; }
    QPushButton *setCapacityButton() const { return m_setCapacity; }
    /// The kernel's answer to the last F_SETPIPE_SZ.
    QLabel *capacityAnswer() const { return m_answer; }
    LiveLabel *numbersLabel() const { return m_numbers; }
    LiveLabel *warningLabel() const { return m_warning; }

    /// The warning for \a s, or empty: a writer blocked on a full pipe, a child stalled.
    static QString warningFor(const LabPipeSnapshot &s);

Q_SIGNALS:
    void errorOccurred(const QString &message);

private:
    void applyCapacity();

    QPointer<LabPipe> m_pipe;
    KernelBufferGauge *m_gauge;
    LiveLabel *m_numbers;
    LiveLabel *m_slots;
    QSpinBox *m_capacity;
    QPushButton *m_setCapacity;
    QLabel *m_answer;
    LiveLabel *m_warning;
    bool m_capacityShown = false;
};

} // namespace PipeScope::Ui
