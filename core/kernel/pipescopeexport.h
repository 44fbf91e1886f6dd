#pragma once
/// \file pipescopeexport.h
/// PIPESCOPE_CORE_EXPORT marks what the installed libpipescope_core.so offers other programs:
/// the classes and functions declared in the installed headers (kernel probe, transports,
/// explorer, meter). The core is compiled with -fvisibility=hidden, so everything else —
/// the explorer's /proc readers, the meter's internals, the Lab and the lessons — stays
/// private to PipeScope, which links the same objects statically.

#include <QtCore/qcompilerdetection.h>

#define PIPESCOPE_CORE_EXPORT Q_DECL_EXPORT
