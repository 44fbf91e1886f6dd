#pragma once
/// \file statetimeline.h
/// One row per stage, its activity over time as bands (running, blocked reading, blocked
/// writing, throttled, stopped...): when a stage slows down, "blocked writing" spreads to the
/// stages before it one by one as their pipes fill — back-pressure travelling upstream. Each
/// activity has a colour and a pattern, the legend names them, wide bands carry their word,
/// and hovering a band tells its stage, activity and time.

#include <QStringList>
#include <QWidget>

#include <optional>

namespace PipeScope::Ui {

class PipelineHistory;

class StateTimeline : public QWidget
{
    Q_OBJECT
public:
    explicit StateTimeline(const PipelineHistory *history, QWidget *parent = nullptr);

    /// "1 yes", one per stage, for the row labels.
    void setStageLabels(const QStringList &labels);
    QStringList stageLabels() const { return m_labels; }
    /// What is drawn at \a position: "gzip -1: blocked writing, 2.1 s – 4.3 s" (empty if nothing).
    QString describeAt(const QPoint &position) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRectF plotRect() const;
    double rowHeight() const;
    double minimumRowHeight() const;
    std::optional<int> rowAt(double y) const;
    void paintRow(QPainter &painter, int stage, const QRectF &row, const class PipelineTimeAxis &axis) const;
    void paintLegend(QPainter &painter, const QRectF &area) const;

    const PipelineHistory *m_history;
    QStringList m_labels;
};

} // namespace PipeScope::Ui
