#include "lablogging.h"

Q_LOGGING_CATEGORY(lcLab, "pipescope.core.lab")
