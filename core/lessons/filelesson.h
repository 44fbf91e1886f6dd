#pragma once
/// \file filelesson.h
/// Runs a lesson file (lessonfile.h, docs/writing-a-lesson.md) as a Lesson like the built-in
/// ones: LessonRunner, the CLI, the GUI and the worksheet take it unchanged.
///
/// Each step, in this order: starts its `run:` commands, sends its `signal:`s, waits for its
/// `wait:` conditions one after the other, then evaluates its `expect:` comparisons on one
/// scan of the lesson's pipes. A command is split at its unquoted `|` (as `pipescope run`
/// does) and every stage is a child of the lesson's context, started as `/bin/sh -c STAGE`
/// in the lesson's temp dir (so a `mkfifo` makes its FIFO there) with stage K's stdout the
/// pipe to stage K+1's stdin and /dev/null at both ends; the context kills and reaps every
/// stage when the run ends or is abandoned, also mid-step.
///
/// What the comparisons see comes from the explorer (ProcessState, the scanner's snapshot of
/// the lesson's pipes, PipeDiagnostics) and, for `rate`, from the pipeline meter attached to
/// the command. A wait that does not come true in time ends the step with ✗ and says what
/// the command's processes were doing instead.

#include "lesson.h"
#include "lessonfile.h"

namespace PipeScope::FileLesson {

/// The runnable lesson \a file describes.
Lesson toLesson(const LessonFile &file);

} // namespace PipeScope::FileLesson
