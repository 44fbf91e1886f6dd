#include "transportlogging.h"

Q_LOGGING_CATEGORY(lcTransport, "pipescope.core.transport")
