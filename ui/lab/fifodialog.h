#pragma once
/// \file fifodialog.h
/// Pipe ▸ New FIFO: a path, and whether the lab opens a reader at once. Without one, the
/// writer's open() waits for a reader, which is exactly where users get stuck with FIFOs.

#include <QDialog>

class QCheckBox;
class QLineEdit;

namespace PipeScope::Ui {

class FifoDialog : public QDialog
{
    Q_OBJECT
public:
    explicit FifoDialog(const QString &path, QWidget *parent = nullptr);

    QString path() const;
    bool openReader() const;
    /// "Use an existing FIFO even if another user owns it": the explicit choice that lets the
    /// lab write into a FIFO it does not own (its owner reads what is written).
    bool anyOwner() const;
    /// A path that does not exist yet: /tmp/pipescope-PID-N.fifo.
    static QString suggestedPath();

private:
    QLineEdit *m_path;
    QCheckBox *m_openReader;
    QCheckBox *m_anyOwner;
};

} // namespace PipeScope::Ui
