#include "lessoncatalog.h"

#include "builtinlessons.h"

namespace PipeScope {

QList<Lesson> LessonCatalog::all()
{
    using namespace Lessons;
    // Built on each call: a lesson is cheap data, and callers may keep or change their copy.
    QList<Lesson> lessons;
    for (Lesson (*make)() :
         {capacity, backpressure, pauseResume, eofLeak, readerGone, fifoRendezvous, atomicWrites,
          nonblocking, closeNeedsLoop, subprocessDeadlock, fifoOpenThread, transportThread,
          threadsOnePipe}) {
        lessons.append(make());
    }
    return lessons;
}

std::optional<Lesson> LessonCatalog::find(const QString &id)
{
    for (const Lesson &lesson : all()) {
        if (lesson.id == id)
            return lesson;
    }
    return std::nullopt;
}

QStringList LessonCatalog::ids()
{
    QStringList ids;
    for (const Lesson &lesson : all())
        ids << lesson.id;
    return ids;
}

} // namespace PipeScope
