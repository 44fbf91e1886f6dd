#include "fifodialog.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace PipeScope::Ui {

FifoDialog::FifoDialog(const QString &path, QWidget *parent)
    : QDialog(parent), m_path(new QLineEdit(path, this)),
      m_openReader(new QCheckBox(QStringLiteral("Open a reader in the lab now"), this)),
      m_anyOwner(new QCheckBox(QStringLiteral("Use an existing FIFO even if another user owns it"), this))
{
    setWindowTitle(QStringLiteral("New FIFO"));
    auto *layout = new QFormLayout(this);
    auto *intro = new QLabel(QStringLiteral("A FIFO (named pipe) is created at the path if it does not "
                                            "exist. Leave the reader unchecked to see the writer wait "
                                            "in open() until some process reads, e.g. <tt>cat PATH</tt> "
                                            "in a terminal."),
                             this);
    intro->setWordWrap(true);
    layout->addRow(intro);
    layout->addRow(QStringLiteral("Path:"), m_path);
    m_openReader->setChecked(true);
    layout->addRow(QString(), m_openReader);
    m_anyOwner->setToolTip(QStringLiteral("Without this, a FIFO of another user at the path is refused: "
                                          "its owner would read what the lab writes."));
    layout->addRow(QString(), m_anyOwner);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addRow(buttons);
    m_path->setMinimumWidth(m_path->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 40);
}

QString FifoDialog::path() const
{
    return m_path->text().trimmed();
}

bool FifoDialog::openReader() const
{
    return m_openReader->isChecked();
}

bool FifoDialog::anyOwner() const
{
    return m_anyOwner->isChecked();
}

QString FifoDialog::suggestedPath()
{
    for (int n = 1;; ++n) {
        const QString path = QDir::temp().filePath(
                QStringLiteral("pipescope-%1-%2.fifo").arg(QCoreApplication::applicationPid()).arg(n));
        if (!QFileInfo::exists(path))
            return path;
    }
}

} // namespace PipeScope::Ui
