#pragma once
/// \file labtext.h
/// Names, paths and command lines as the Lab's labels show them: cut in the middle past a
/// length, so a long one cannot make text layout freeze a view or push the window wide (the
/// full text stays in the tooltip and the model).

#include <QString>

namespace PipeScope::Ui::LabText {

/// \a text if at most \a maxChars long, else its start and end around "…".
inline QString elided(const QString &text, qsizetype maxChars = 120)
{
    if (text.size() <= maxChars)
        return text;
    const qsizetype head = maxChars / 2;
    return text.left(head) + QChar(0x2026) + text.right(maxChars - head - 1);
}

} // namespace PipeScope::Ui::LabText
