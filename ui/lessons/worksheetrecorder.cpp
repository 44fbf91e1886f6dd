#include "worksheetrecorder.h"

#include "endpointgraph.h"

#include <pipescope/lessoncontext.h>
#include <pipescope/worksheet.h>

#include <QBuffer>
#include <QImage>

namespace PipeScope::Ui {

WorksheetRecorder::WorksheetRecorder(QWidget *page) : QObject(page), m_painter(new EndpointGraph(page))
{
    m_painter->hide();
    m_painter->setObjectName(QStringLiteral("worksheetPainter"));
}

void WorksheetRecorder::stepFinished(int index, const LessonContext &context)
{
    const SystemSnapshot snapshot = context.scanPipes();
    QList<const PipeInfo *> pipes;
    for (const PipeInfo &pipe : snapshot.pipes)
        pipes << &pipe;
    m_painter->setSnapshot(snapshot, pipes);
    const QImage image = m_painter->picture();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.isNull() && image.save(&buffer, "PNG"))
        m_graphs.insert(index, png);
    else
        m_graphs.remove(index);
}

bool WorksheetRecorder::save(const Lesson &lesson, const QList<Observation> &observations, const QString &path,
                             PipeScope::Error *error) const
{
    Worksheet sheet(lesson, observations);
    for (auto it = m_graphs.cbegin(); it != m_graphs.cend(); ++it) {
        if (it.key() < observations.size())
            sheet.setGraph(it.key(), it.value());
    }
    return sheet.write(path, error);
}

} // namespace PipeScope::Ui
