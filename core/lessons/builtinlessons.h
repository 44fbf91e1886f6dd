#pragma once
/// \file builtinlessons.h
/// One function per built-in lesson, each in its own <id>lesson.cpp. Private to core/lessons.

#include "lesson.h"

namespace PipeScope::Lessons {

Lesson capacity();
Lesson backpressure();
Lesson pauseResume();
Lesson eofLeak();
Lesson readerGone();
Lesson fifoRendezvous();
Lesson atomicWrites();
Lesson nonblocking();
Lesson closeNeedsLoop();
Lesson subprocessDeadlock();
Lesson fifoOpenThread();
Lesson transportThread();
Lesson threadsOnePipe();

} // namespace PipeScope::Lessons
