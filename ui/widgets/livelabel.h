#pragma once
/// \file livelabel.h
/// A one-line label for values that change on every refresh (byte counts, rates).
///
/// QLabel::setText() asks its layout for new geometry each time, and that relayout reaches
/// every word-wrapped label of the panel (heightForWidth text layouts): with hundreds of pipes
/// refreshed at 10 Hz it was a fifth of the window's CPU. A LiveLabel's size hint comes from
/// a sample text fixed up front, so a new value only repaints it.

#include <QWidget>

namespace PipeScope::Ui {

class LiveLabel : public QWidget
{
    Q_OBJECT
public:
    /// \a sample: a text as wide as the widest expected value (for the size hint).
    explicit LiveLabel(const QString &sample, QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    void setAlignment(Qt::Alignment alignment) { m_alignment = alignment; update(); }
    /// Wraps long texts within the lines of the sample text (its '\n' count + 1).
    void setWordWrap(bool wrap) { m_wordWrap = wrap; update(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QString m_text;
    QString m_sample;
    Qt::Alignment m_alignment = Qt::AlignLeft | Qt::AlignVCenter;
    bool m_wordWrap = false;
};

} // namespace PipeScope::Ui
