#pragma once
/// \file statebadge.h
/// A state shown as icon + word (never colour alone), with the concept in its tooltip.

#include "statepresentation.h"

#include <QWidget>

class QLabel;

namespace PipeScope::Ui {

class StateBadge : public QWidget
{
    Q_OBJECT
public:
    enum class Size { Normal, Large };

    explicit StateBadge(Size size = Size::Normal, QWidget *parent = nullptr);

    /// Shows \a look; \a detail (e.g. an errno text) goes after the word. Cheap when unchanged.
    void setLook(const StateLook &look, const QString &detail = {});
    QString word() const { return m_look.word; }
    QString text() const;

private:
    Size m_size;
    StateLook m_look;
    QString m_detail;
    QLabel *m_icon;
    class LiveLabel *m_word;
    QLabel *m_detailLabel;
};

} // namespace PipeScope::Ui
