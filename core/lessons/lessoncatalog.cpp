#include "lessoncatalog.h"

#include "builtinlessons.h"
#include "filelesson.h"
#include "lessonfile.h"
#include "lessonlogging.h"

#include <QDir>
#include <QMutex>
#include <QStandardPaths>

namespace PipeScope {

namespace {

QList<Lesson> codeLessons()
{
    using namespace Lessons;
    QList<Lesson> lessons;
    for (Lesson (*make)() :
         {capacity, backpressure, pauseResume, eofLeak, readerGone, fifoRendezvous, atomicWrites,
          nonblocking, closeNeedsLoop, subprocessDeadlock, fifoOpenThread, transportThread,
          threadsOnePipe}) {
        lessons.append(make());
    }
    return lessons;
}

QStringList idsOf(const QList<Lesson> &lessons)
{
    QStringList ids;
    for (const Lesson &lesson : lessons)
        ids << lesson.id;
    return ids;
}

/// The lesson files in \a directory, in name order; each refused one adds to *errors.
QList<LessonFile> filesIn(const QString &directory, QStringList reserved, QStringList *errors)
{
    QList<LessonFile> files;
    const QDir dir(directory);
    for (const QString &name : dir.entryList({QStringLiteral("*.lesson")}, QDir::Files, QDir::Name)) {
        Error error;
        const QString path = dir.filePath(name);
        std::optional<LessonFile> file = LessonFile::load(path, &error, reserved);
        if (file && reserved.contains(file->id))
            error = Error(QStringLiteral("%1: the id '%2' is taken by another lesson").arg(path, file->id));
        if (error) {
            *errors << error.message();
            continue;
        }
        reserved << file->id;
        files << *file;
    }
    return files;
}

/// The built-in lesson files (resources/lessons/), parsed once: the resources never change.
const QList<LessonFile> &builtInFiles()
{
    static const QList<LessonFile> files = [] {
        QStringList errors;
        const QList<LessonFile> parsed
            = filesIn(QStringLiteral(":/pipescope/lessons"), idsOf(codeLessons()), &errors);
        for (const QString &error : std::as_const(errors))
            qCWarning(lcLessons) << "built-in lesson refused:" << error; // tst_lessons fails
        return parsed;
    }();
    return files;
}

QMutex catalogMutex;
QList<Lesson> added;
QStringList userErrors;

} // namespace

QList<Lesson> LessonCatalog::builtIn()
{
    // Built on each call: a lesson is cheap data, and callers may keep or change their copy.
    QList<Lesson> lessons = codeLessons();
    for (const LessonFile &file : builtInFiles())
        lessons << FileLesson::toLesson(file);
    return lessons;
}

QStringList LessonCatalog::builtInIds()
{
    static const QStringList ids = idsOf(builtIn());
    return ids;
}

QString LessonCatalog::userLessonDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/lessons");
}

QList<Lesson> LessonCatalog::all()
{
    QList<Lesson> lessons = builtIn();
    QStringList errors;
    for (const LessonFile &file : filesIn(userLessonDirectory(), builtInIds(), &errors))
        lessons << FileLesson::toLesson(file);
    const QMutexLocker lock(&catalogMutex);
    userErrors = errors;
    for (const Lesson &lesson : std::as_const(added)) {
        lessons.removeIf([&lesson](const Lesson &known) { return known.id == lesson.id; });
        lessons << lesson;
    }
    return lessons;
}

QStringList LessonCatalog::userLessonErrors()
{
    const QMutexLocker lock(&catalogMutex);
    return userErrors;
}

void LessonCatalog::add(const Lesson &lesson)
{
    const QMutexLocker lock(&catalogMutex);
    added.removeIf([&lesson](const Lesson &known) { return known.id == lesson.id; });
    added << lesson;
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
    return idsOf(all());
}

} // namespace PipeScope
