#include "kernellogging.h"

Q_LOGGING_CATEGORY(lcKernel, "pipescope.core.kernel")
