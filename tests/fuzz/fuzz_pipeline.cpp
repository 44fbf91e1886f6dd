// libFuzzer harness: the pipeline splitter of `pipescope run` and the pipeline meter
// (PipelineSplitter::split, isSimpleCommand, shellScript).
#include "fuzzsupport.h"

#include <pipescope/pipelinesplitter.h>

#include <cstdint>

using namespace PipeScope;

namespace {

/// sh's own way to make any text one word: '...' with every ' written as '\''.
QString singleQuoted(const QString &text)
{
    QString quoted = text;
    quoted.replace(QStringLiteral("'"), QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

/// "..." with the four characters that keep a meaning inside double quotes escaped (sh(1)).
QString doubleQuoted(const QString &text)
{
    QString quoted;
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\' || c == u'$' || c == u'`')
            quoted += u'\\';
        quoted += c;
    }
    return u'"' + quoted + u'"';
}

/// A whitespace character the splitter may trim: not escaped by a backslash before it.
bool trimmable(const QString &text, qsizetype i)
{
    if (!text.at(i).isSpace())
        return false;
    qsizetype backslashes = 0;
    for (qsizetype j = i - 1; j >= 0 && text.at(j) == u'\\'; --j)
        ++backslashes;
    return backslashes % 2 == 0;
}

qsizetype skipTrimmable(const QString &text, qsizetype at)
{
    while (at < text.size() && trimmable(text, at))
        ++at;
    return at;
}

/// The stages, in order, are the input's text with only one `|` and unescaped white space
/// between them: splitting and re-joining loses no other character.
void checkStagesCoverInput(const QString &input, const QStringList &stages)
{
    qsizetype at = 0;
    for (qsizetype s = 0; s < stages.size(); ++s) {
        const QString &stage = stages.at(s);
        FUZZ_CHECK(!stage.isEmpty(), "an empty stage was accepted");
        FUZZ_CHECK(!stage.at(0).isSpace(), "a stage starts with white space");
        FUZZ_CHECK(!trimmable(stage, stage.size() - 1), "a stage ends with unescaped white space");
        at = skipTrimmable(input, at);
        if (s > 0) {
            FUZZ_CHECK(at < input.size() && input.at(at) == u'|', "stages not separated by one |");
            at = skipTrimmable(input, at + 1);
        }
        FUZZ_CHECK(input.mid(at, stage.size()) == stage, "a stage is not the input's text");
        at += stage.size();
    }
    FUZZ_CHECK(skipTrimmable(input, at) == input.size(), "text after the last stage was lost");
}

void checkAccepted(const QString &input, const SplitPipeline &split)
{
    FUZZ_CHECK(!split.stages.isEmpty(), "accepted with no stage");
    FUZZ_CHECK(split.errorOffset == -1, "an error offset without an error");
    checkStagesCoverInput(input, split.stages);
    for (const QString &stage : split.stages) {
        // A stage holds no pipe of its own: split again, it is the one stage.
        const SplitPipeline again = PipelineSplitter::split(stage);
        FUZZ_CHECK(again.ok() && again.stages == QStringList { stage }, "a stage splits again");
        const QString script = PipelineSplitter::shellScript(stage);
        FUZZ_CHECK(script == stage || script == QStringLiteral("exec ") + stage,
                   "the shell script is not the stage");
    }
}

/// Text quoted as sh quotes it is one word: no `|` inside it ever splits.
void checkQuotedNeverSplits(const QString &text)
{
    for (const QString &quoted : { singleQuoted(text), doubleQuoted(text) }) {
        const QString pipeline = QStringLiteral("echo ") + quoted + QStringLiteral(" | cat");
        const SplitPipeline split = PipelineSplitter::split(pipeline);
        FUZZ_CHECK(split.ok(), "a quoted word made the pipeline invalid");
        FUZZ_CHECK(split.stages == (QStringList { QStringLiteral("echo ") + quoted, QStringLiteral("cat") }),
                   "a | inside quotes split the pipeline");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const SplitPipeline split = PipelineSplitter::split(input);
    if (split.ok()) {
        checkAccepted(input, split);
    } else {
        FUZZ_CHECK(split.stages.isEmpty(), "stages alongside an error");
        FUZZ_CHECK(split.errorOffset >= 0 && split.errorOffset <= input.size(),
                   "the error offset is outside the input");
    }
    checkQuotedNeverSplits(input);
    return 0;
}
