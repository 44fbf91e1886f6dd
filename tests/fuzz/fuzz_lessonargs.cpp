// libFuzzer harness: the lesson name given to `pipescope lesson run NAME` and `--lesson NAME`
// (LessonCatalog::find), which must find exactly the catalogue's ids and nothing else.
#include "fuzzsupport.h"

#include <pipescope/lessoncatalog.h>

#include <cstdint>

using namespace PipeScope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QStringList ids = LessonCatalog::ids();
    const QString name = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<Lesson> lesson = LessonCatalog::find(name);
    FUZZ_CHECK(lesson.has_value() == ids.contains(name), "find() disagrees with ids()");
    if (lesson)
        FUZZ_CHECK(lesson->id == name, "find() returned another lesson");
    return 0;
}
