// libFuzzer harness: a lesson file from a colleague (LessonFile::parse). A refusal names a line
// of the file (or the whole file); an accepted lesson is one the runner can play: every step
// complete, every signal and wait aimed at a command started by then.
#include "fuzzsupport.h"

#include <pipescope/lessonfile.h>

#include <QRegularExpression>

#include <cstdint>

using namespace PipeScope;

namespace {

/// The messages about the whole file, which have no line of their own.
bool isWholeFileError(const QString &error)
{
    return error.startsWith(QStringLiteral("the lesson has no "));
}

void checkRefusal(const QString &text, const QString &error)
{
    FUZZ_CHECK(!error.isEmpty(), "refused without a reason");
    static const QRegularExpression linePrefix(QStringLiteral("^line (\\d+): \\S"));
    const QRegularExpressionMatch match = linePrefix.match(error);
    if (!match.hasMatch()) {
        FUZZ_CHECK(isWholeFileError(error), "a refusal names no line");
        return;
    }
    const qsizetype lines = text.count(u'\n') + 1;
    const qlonglong line = match.captured(1).toLongLong();
    FUZZ_CHECK(line >= 1 && line <= lines, "a refusal names a line outside the file");
}

bool validOperand(const QString &operand, int commands)
{
    bool isNumber = false;
    operand.toLongLong(&isNumber);
    if (isNumber)
        return true;
    if (!LessonFile::observables().contains(operand.section(u':', 0, 0)))
        return false;
    bool ok = false;
    const int target = operand.section(u':', 1).toInt(&ok);
    return ok && target >= 1 && target <= commands;
}

void checkStep(const LessonFileStep &step, int commands, qsizetype lines)
{
    FUZZ_CHECK(!step.title.isEmpty() && !step.explanation.isEmpty() && !step.prediction.isEmpty(),
               "an accepted step lacks its title, explanation or prediction");
    FUZZ_CHECK(step.line >= 1 && step.line <= lines, "a step's line is outside the file");
    for (const QString &command : step.commands)
        FUZZ_CHECK(!command.isEmpty(), "an empty command was accepted");
    for (const auto &[signal, target] : step.signalsToSend)
        FUZZ_CHECK(signal > 0 && target >= 1 && target <= commands, "a signal aimed at no command");
    for (const LessonFileWait &wait : step.waits) {
        const bool isTime = wait.condition == QLatin1String("time");
        FUZZ_CHECK(isTime ? wait.target == 0 : wait.target >= 1 && wait.target <= commands,
                   "a wait aimed at no command");
        FUZZ_CHECK(wait.withinMs >= 1 && wait.withinMs <= 60000, "a wait's duration out of range");
    }
    static const QStringList operators { QStringLiteral("=="), QStringLiteral("!="), QStringLiteral("<"),
                                         QStringLiteral("<="), QStringLiteral(">"), QStringLiteral(">=") };
    for (const LessonFileExpect &expect : step.expects) {
        FUZZ_CHECK(operators.contains(expect.op), "an unknown operator was accepted");
        FUZZ_CHECK(validOperand(expect.left, commands) && validOperand(expect.right, commands),
                   "an expect compares something that is not there");
        FUZZ_CHECK(expect.line >= step.line && expect.line <= lines, "an expect's line is outside its step");
    }
}

void checkAccepted(const QString &text, const LessonFile &lesson)
{
    FUZZ_CHECK(!lesson.id.isEmpty() && !lesson.title.isEmpty() && !lesson.summary.isEmpty(),
               "accepted without id, title or summary");
    FUZZ_CHECK(!lesson.steps.isEmpty(), "accepted without steps");
    const qsizetype lines = text.count(u'\n') + 1;
    int commands = 0; // a target counts the commands of this step and the ones before
    int previousLine = 0;
    for (const LessonFileStep &step : lesson.steps) {
        FUZZ_CHECK(step.line > previousLine, "steps out of their file order");
        previousLine = step.line;
        commands += int(step.commands.size());
        checkStep(step, commands, lines);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    Error error;
    const std::optional<LessonFile> lesson = LessonFile::parse(text, &error);
    if (lesson)
        checkAccepted(text, *lesson);
    else
        checkRefusal(text, error.message());
    return 0;
}
