#include "lessonfilesyntax.h"

#include <QRegularExpression>

#include <csignal>

namespace PipeScope::LessonFileSyntax {

QString at(int line, const QString &message)
{
    return QStringLiteral("line %1: %2").arg(line).arg(message);
}

QString excerpt(const QString &line)
{
    return line.size() > 40 ? line.left(40) + QStringLiteral("…") : line;
}

namespace {

bool badCharacter(const QString &line, int number, Error *error)
{
    for (const QChar c : line) {
        if ((c.unicode() < 0x20 && c != u'\t') || c == QChar::ReplacementCharacter) {
            *error = Error(at(number, c == QChar::ReplacementCharacter
                                    ? QStringLiteral("not UTF-8 text")
                                    : QStringLiteral("control character U+%1")
                                          .arg(c.unicode(), 4, 16, QLatin1Char('0'))));
            return true;
        }
    }
    return false;
}

} // namespace

std::optional<QList<Entry>> entriesOf(const QString &text, Error *error)
{
    QList<Entry> entries;
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        const int number = i + 1;
        if (badCharacter(line, number, error))
            return std::nullopt;
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(u'#'))
            continue;
        if (line.at(0).isSpace()) {
            if (entries.isEmpty()) {
                *error = Error(at(number, QStringLiteral("an indented line continues the value above "
                                                   "it, but there is none")));
                return std::nullopt;
            }
            entries.last().value += (entries.last().value.isEmpty() ? QString() : QStringLiteral(" ")) + trimmed;
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        const QString key = colon > 0 ? line.left(colon).trimmed().toLower() : QString();
        if (key.isEmpty() || key.contains(QRegularExpression(QStringLiteral("\\s")))) {
            *error = Error(at(number, QStringLiteral("expected 'key: value', got '%1'").arg(excerpt(trimmed))));
            return std::nullopt;
        }
        entries.append({key, line.mid(colon + 1).trimmed(), number});
    }
    return entries;
}

int signalNumber(QString name)
{
    name = name.toUpper();
    if (name.startsWith(QLatin1String("SIG")))
        name = name.mid(3);
    static const QList<QPair<QString, int>> known {
        {QStringLiteral("STOP"), SIGSTOP}, {QStringLiteral("CONT"), SIGCONT},
        {QStringLiteral("TERM"), SIGTERM}, {QStringLiteral("KILL"), SIGKILL},
        {QStringLiteral("INT"), SIGINT},   {QStringLiteral("HUP"), SIGHUP},
        {QStringLiteral("USR1"), SIGUSR1}, {QStringLiteral("USR2"), SIGUSR2},
        {QStringLiteral("PIPE"), SIGPIPE}};
    for (const auto &[signalName, number] : known) {
        if (signalName == name)
            return number;
    }
    return 0;
}

} // namespace PipeScope::LessonFileSyntax
