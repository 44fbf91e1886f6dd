#include "explorerlogging.h"

Q_LOGGING_CATEGORY(lcExplorer, "pipescope.core.explorer")
