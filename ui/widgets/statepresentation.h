#pragma once
/// \file statepresentation.h
/// How a pipe end's state is shown: an icon, a word and a tooltip that explains the concept.
/// Icons differ in shape as well as colour, and the word is always shown next to them, so no
/// state is told by colour alone.

#include <pipescope/labpipe.h>

#include <QIcon>
#include <QString>

namespace PipeScope::Ui {

struct StateLook
{
    QString icon;    ///< resource name: ":/pipescope/<icon>-32.png"
    QString word;    ///< "reading", "writing paused"...
    QString tooltip; ///< one or two sentences on what the state means
};

class StatePresentation
{
public:
    static StateLook reader(LabPipe::ReaderState state);
    static StateLook writer(LabPipe::WriterState state);
    /// The look of a child process holding the other end, from its /proc state.
    static StateLook child(bool blocked, bool running);
    /// An icon from the resources (16, 32 and 64 px renderings of one SVG), cached.
    static QIcon icon(const QString &name);

    /// Tooltips for the gauges and numbers, shared by the inspector and the endpoints list.
    static QString kernelBufferTooltip();
    static QString capacityTooltip();
    static QString transportBufferTooltip();
    static QString waterMarksTooltip();
    static QString slowConsumerTooltip();
    static QString generatorTooltip();
    static QString peekTooltip();
};

/// "1.5 KiB", "64 KiB", "3.2 MiB": binary units, as the kernel counts pages.
QString formatBytes(qint64 bytes);
/// "16.0 KiB/s".
QString formatRate(double bytesPerSecond);

} // namespace PipeScope::Ui
