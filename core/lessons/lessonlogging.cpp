#include "lessonlogging.h"

// Debug lines (one per step) are off unless QT_LOGGING_RULES enables them: the CLI prints steps
// itself.
Q_LOGGING_CATEGORY(lcLessons, "pipescope.core.lessons", QtInfoMsg)
