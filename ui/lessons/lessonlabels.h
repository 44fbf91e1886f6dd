#pragma once
/// \file lessonlabels.h
/// The two kinds of text the Lessons page shows: selectable wrapping paragraphs and bold
/// captions (whose font LessonsPanel scales in presentation mode).

#include <QLabel>

namespace PipeScope::Ui::LessonLabels {

inline QLabel *paragraph(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

inline QLabel *caption(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace PipeScope::Ui::LessonLabels
