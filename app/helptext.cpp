#include "helptext.h"

#include <QRegularExpression>

namespace PipeScope::App {

namespace {

// QCommandLineParser pads every option's names to one width and starts all descriptions
// (and the argument descriptions) in one column; wrapped lines are indented to it.
int descriptionColumn(const QString &firstOptionLine)
{
    static const QRegularExpression names(QStringLiteral("^  (-[^\\s,]+(?:, -[^\\s,]+)*(?: <[^>]*>)?) +"));
    const QRegularExpressionMatch match = names.match(firstOptionLine);
    return match.hasMatch() ? int(match.capturedEnd()) : -1;
}

HelpOption parseOptionNames(const QString &column)
{
    HelpOption option;
    QString names = column.trimmed();
    const qsizetype value = names.indexOf(QLatin1String(" <"));
    if (value >= 0 && names.endsWith(u'>')) {
        option.valueName = names.mid(value + 2, names.size() - value - 3);
        names.truncate(value);
    }
    option.names = names.split(QStringLiteral(", "));
    return option;
}

void appendWrapped(QString &text, const QString &more)
{
    if (!text.isEmpty())
        text += u' ';
    text += more.trimmed();
}

bool isHeading(const QString &line)
{
    return !line.isEmpty() && !line.at(0).isSpace() && line.endsWith(u':');
}

} // namespace

QString HelpText::positionalSyntax() const
{
    const qsizetype options = usage.indexOf(QLatin1String("[options]"));
    if (options >= 0)
        return usage.mid(options + 9).trimmed();
    const QStringList words = usage.split(u' ');
    return words.mid(1).join(u' '); // no options: only the program's name comes first
}

std::optional<HelpText> parseHelpText(const QString &text)
{
    QStringList lines = text.split(u'\n');
    if (lines.isEmpty() || !lines.first().startsWith(QLatin1String("Usage: ")))
        return std::nullopt;
    HelpText help;
    help.usage = lines.takeFirst().mid(7);

    enum class Part { Description, Options, Arguments, Section, Between } part = Part::Description;
    int column = -1;
    for (const QString &line : std::as_const(lines)) {
        if (line == QLatin1String("Options:") && part != Part::Section) {
            part = Part::Options;
        } else if (line == QLatin1String("Arguments:") && part != Part::Section) {
            part = Part::Arguments;
        } else if (part == Part::Description) {
            help.description << line;
        } else if (line.trimmed().isEmpty()) {
            part = Part::Between;
        } else if (part == Part::Between && isHeading(line)) {
            help.sections.append({ line.chopped(1), {} });
            part = Part::Section;
        } else if (part == Part::Section) {
            help.sections.last().lines << (line.startsWith(QLatin1String("  ")) ? line.mid(2) : line);
        } else if (part == Part::Options || part == Part::Arguments) {
            if (column < 0)
                column = descriptionColumn(line);
            if (column < 0 || line.size() <= column)
                return std::nullopt;
            const bool continued = line.left(column).trimmed().isEmpty();
            if (part == Part::Options && continued && !help.options.isEmpty()) {
                appendWrapped(help.options.last().description, line);
            } else if (part == Part::Arguments && continued && !help.arguments.isEmpty()) {
                appendWrapped(help.arguments.last().description, line);
            } else if (part == Part::Options) {
                HelpOption option = parseOptionNames(line.left(column));
                option.description = line.mid(column).trimmed();
                help.options.append(option);
            } else {
                help.arguments.append({ line.left(column).trimmed(), line.mid(column).trimmed() });
            }
        } else {
            return std::nullopt; // text between sections that is not a heading
        }
    }
    while (!help.description.isEmpty() && help.description.last().trimmed().isEmpty())
        help.description.removeLast();
    return help;
}

} // namespace PipeScope::App
