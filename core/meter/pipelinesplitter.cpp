// Quote-aware splitting of a pipeline at `|`. A small state machine over the text: the nesting
// of quotes, $( ), ( ), { } and backquotes decides whether a `|` separates stages.
#include "pipelinesplitter.h"

#include <QRegularExpression>

namespace PipeScope::PipelineSplitter {

namespace {

struct Scanner
{
    const QString &text;
    SplitPipeline result;
    QList<QChar> closers; // what closes each open construct, innermost last
    int stageStart = 0;

    bool quoted() const { return !closers.isEmpty() && (closers.last() == u'\'' || closers.last() == u'"'); }

    bool failAt(int offset, const QString &message)
    {
        result.stages.clear();
        result.error = Error(message);
        result.errorOffset = offset;
        return false;
    }

    /// The character at \a i follows an odd number of backslashes: it is literal.
    bool isEscaped(int i) const
    {
        int backslashes = 0;
        while (i - backslashes > 0 && text.at(i - backslashes - 1) == u'\\')
            ++backslashes;
        return backslashes % 2 == 1;
    }

    /// The stage's text without the white space around it, except an escaped trailing one:
    /// in `echo a \ | cat` the blank is echo's argument.
    QString stageText(int end) const
    {
        int begin = stageStart;
        while (begin < end && text.at(begin).isSpace())
            ++begin;
        while (end > begin && text.at(end - 1).isSpace() && !isEscaped(end - 1))
            --end;
        return text.mid(begin, end - begin);
    }

    bool endStage(int end)
    {
        const QString stage = stageText(end);
        if (stage.isEmpty()) {
            const int number = int(result.stages.size()) + 1;
            return failAt(end, result.stages.isEmpty() && end >= text.size()
                                       ? QStringLiteral("empty pipeline")
                                       : QStringLiteral("empty stage %1 (nothing before or after a |)").arg(number));
        }
        result.stages << stage;
        stageStart = end + 1;
        return true;
    }

    /// Inside single quotes only the closing quote means anything (sh(1)).
    bool stepQuoted(int i, QChar c)
    {
        if (closers.last() == u'\'') {
            if (c == u'\'')
                closers.removeLast();
            return true;
        }
        if (c == u'"')
            closers.removeLast();
        else if (c == u'$' && i + 1 < text.size() && text.at(i + 1) == u'(')
            closers << u')';
        else if (c == u'`')
            closers << u'`';
        return true;
    }

    bool stepPipe(int i)
    {
        const QChar next = i + 1 < text.size() ? text.at(i + 1) : QChar();
        if (next == u'&')
            return failAt(i, QStringLiteral("|& at offset %1 is not POSIX sh: write 2>&1 |").arg(i));
        return endStage(i);
    }

    bool step(int &i)
    {
        const QChar c = text.at(i);
        if (c == u'\\' && !(quoted() && closers.last() == u'\'')) {
            ++i; // the next character is literal (outside single quotes)
            return true;
        }
        if (quoted())
            return stepQuoted(i, c);
        if (c == u'\'' || c == u'"' || c == u'`') {
            if (!closers.isEmpty() && closers.last() == u'`' && c == u'`')
                closers.removeLast();
            else
                closers << c;
        } else if (c == u'(') {
            closers << u')';
        } else if (c == u'{' && isWordStart(i) && i + 1 < text.size() && text.at(i + 1).isSpace()) {
            // `{` opens a group only as a token of its own, a blank after it: `{a` is a word
            // (and so is a `{` that ends the text: it then depends on what follows it).
            closers << u'}';
        } else if ((c == u')' || c == u'}') && !closers.isEmpty() && closers.last() == c) {
            closers.removeLast();
        } else if (c == u'#' && isWordStart(i)) {
            return failAt(i, QStringLiteral("a comment (#) at offset %1 would hide the rest of the pipeline").arg(i));
        } else if (c == u'|' && closers.isEmpty()) {
            if (i + 1 < text.size() && text.at(i + 1) == u'|') {
                ++i; // `||` is a list operator, not a pipe: it stays in the stage
                return true;
            }
            return stepPipe(i);
        }
        return true;
    }

    /// A new token starts after an unescaped blank or operator character (sh(1)): `a |#x` is a
    /// comment, `a\|#x` and `a\ #x` one word. (Not after `)`: in `$(a)#x` the word goes on.)
    bool isWordStart(int i) const
    {
        if (i == 0)
            return true;
        const QChar before = text.at(i - 1);
        return (before.isSpace() || QStringView(u";|&(<>").contains(before)) && !isEscaped(i - 1);
    }
};

/// \a stage with every character that sh takes literally replaced by `_`: what single quotes
/// enclose, what a backslash escapes, and what double quotes enclose except `$(` and backquotes
/// (which still run commands there). Operators can then be looked for with a plain pattern.
QString literalsMasked(const QString &stage)
{
    QString masked = stage;
    QChar quote;
    for (int i = 0; i < masked.size(); ++i) {
        const QChar c = stage.at(i);
        if (quote == u'\'') {
            if (c == u'\'')
                quote = QChar();
            else
                masked[i] = u'_';
        } else if (c == u'\\' && i + 1 < masked.size()) {
            masked[++i] = u'_';
        } else if (quote == u'"') {
            if (c == u'"')
                quote = QChar();
            else if (stage.mid(i, 2) == QLatin1String("$("))
                ++i; // kept, both characters
            else if (c != u'`')
                masked[i] = u'_';
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        }
    }
    return masked;
}

} // namespace

SplitPipeline split(const QString &pipeline)
{
    Scanner scanner { pipeline, {}, {}, 0 };
    if (pipeline.trimmed().isEmpty()) {
        scanner.failAt(0, QStringLiteral("empty pipeline"));
        return scanner.result;
    }
    for (int i = 0; i < pipeline.size(); ++i) {
        if (!scanner.step(i))
            return scanner.result;
    }
    if (!scanner.closers.isEmpty()) {
        scanner.failAt(int(pipeline.size()), QStringLiteral("unterminated %1").arg(scanner.closers.last()));
        return scanner.result;
    }
    scanner.endStage(int(pipeline.size()));
    return scanner.result;
}

bool isSimpleCommand(const QString &stage)
{
    // Anything that makes the stage more than one command: lists, subshells, groups,
    // background, a here-document or a trailing comment.
    // (`&` after `<`/`>` or before `>` is a redirection such as 2>&1, not a list operator.)
    static const QRegularExpression compound(QStringLiteral("[;()`\\n]|(?<![<>])&(?!>)|<<|\\$\\("));
    if (literalsMasked(stage).contains(compound))
        return false;
    const QString first = stage.section(u' ', 0, 0, QString::SectionSkipEmpty);
    if (first.isEmpty() || first.contains(u'=') || first.startsWith(u'<') || first.startsWith(u'>'))
        return false;
    static const QStringList shellOnly = {
        QStringLiteral("if"), QStringLiteral("then"), QStringLiteral("while"), QStringLiteral("until"),
        QStringLiteral("for"), QStringLiteral("case"), QStringLiteral("{"), QStringLiteral("!"),
        QStringLiteral("function"), QStringLiteral("exec"), QStringLiteral("cd"), QStringLiteral("read"),
        QStringLiteral("export"), QStringLiteral("set"), QStringLiteral("unset"), QStringLiteral("eval"),
        QStringLiteral("."), QStringLiteral("source"), QStringLiteral("alias"), QStringLiteral("ulimit"),
        QStringLiteral("umask"), QStringLiteral("wait"), QStringLiteral("trap"), QStringLiteral("shift"),
        QStringLiteral("exit"), QStringLiteral("return"), QStringLiteral("local"), QStringLiteral("readonly"),
        QStringLiteral("type"), QStringLiteral("command"), QStringLiteral("times"), QStringLiteral("getopts"),
        QStringLiteral("jobs"), QStringLiteral("fg"), QStringLiteral("bg"), QStringLiteral("hash"),
        QStringLiteral("break"), QStringLiteral("continue"), QStringLiteral(":")
    };
    return !shellOnly.contains(first);
}

QString shellScript(const QString &stage)
{
    return isSimpleCommand(stage) ? QStringLiteral("exec ") + stage : stage;
}

} // namespace PipeScope::PipelineSplitter
