#pragma once
/// \file hexview.h
/// Bytes as hex + text, Wireshark style: the bytes the reader received (the newest ones), then,
/// set apart by a header line and a shaded background, the bytes still queued in the kernel
/// (a tee peek: not read yet). Only the visible lines are drawn, so a refresh is cheap.

#include <QAbstractScrollArea>
#include <QByteArray>

namespace PipeScope::Ui {

class HexView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int BytesPerLine = 16;

    explicit HexView(QWidget *parent = nullptr);

    /// \a received starts at stream offset \a offset; \a peek follows it (queued in the kernel).
    /// \a peekError, if set, replaces the peek (e.g. "no end of this pipe is open").
    void setData(const QByteArray &received, quint64 offset, const QByteArray &peek,
                 const QString &peekError = {});
    QByteArray received() const { return m_received; }
    QByteArray peek() const { return m_peek; }

    int lineCount() const;
    /// The text of line \a line as drawn ("00000010  48 65 ...  |He...|" or a header).
    QString lineText(int line) const;
    /// True if \a line shows peeked (still queued) bytes or their header.
    bool isPeekLine(int line) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    int receivedLines() const;
    QString dumpLine(const QByteArray &bytes, quint64 base, quint64 lineStart) const;
    QString peekHeader() const;
    void updateScrollBars();
    int followLine() const;

    QByteArray m_received;
    quint64 m_offset = 0;
    QByteArray m_peek;
    QString m_peekError;
    bool m_follow = true; ///< keep the newest lines in view until the user scrolls away
    int m_followLine = 0; ///< where following put the scroll bar
};

} // namespace PipeScope::Ui
