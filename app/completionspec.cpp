#include "completionspec.h"

#include <QRegularExpression>

namespace PipeScope::App {

namespace {

// The kinds a placeholder names. \a context is the option or command it belongs to: a NAME
// is a lesson's only for --lesson and `lesson run NAME`.
QList<ValueKind> kindsNamed(const QString &context, const QString &text)
{
    QList<ValueKind> kinds;
    auto add = [&kinds](ValueKind kind) {
        if (!kinds.contains(kind))
            kinds << kind;
    };
    static const QRegularExpression placeholder(QStringLiteral("[A-Z][A-Z0-9_:-]*|\\S+\\.(?:json|pipelab)\\b"));
    QRegularExpressionMatchIterator it = placeholder.globalMatch(text);
    while (it.hasNext()) {
        const QString word = it.next().captured(0);
        if (word == QLatin1String("PID:FD"))
            add(ValueKind::PidFd);
        else if (word == QLatin1String("PID"))
            add(ValueKind::Pid);
        else if (word.contains(QLatin1String("PATH")) || word.contains(QLatin1String("FILE"))
                 || word.contains(u'.'))
            add(ValueKind::File);
        else if (word == QLatin1String("NAME") && context == QLatin1String("lesson"))
            add(ValueKind::Lesson);
        else if (word == QLatin1String("COMMAND"))
            add(ValueKind::Command);
    }
    return kinds;
}

CompletionOption optionFrom(const HelpOption &help)
{
    CompletionOption option;
    option.names = help.names;
    option.description = help.description;
    option.takesValue = !help.valueName.isEmpty();
    if (option.takesValue) {
        const QString longName = help.names.last().mid(2);
        option.kind = kindsNamed(longName, help.valueName).value(0, ValueKind::Text);
    }
    return option;
}

// A lowercase word in the usage is literal ("list", "run") unless it names an argument,
// whose description then says what it is ("pipe: FD, PID:FD or FIFO-PATH").
CompletionSlot slotFrom(const QString &command, QString token, const HelpText &help)
{
    CompletionSlot slot;
    slot.repeats = token.endsWith(QLatin1String("..."));
    if (slot.repeats)
        token.chop(3);
    token.remove(u'[').remove(u']');
    slot.placeholder = token;
    static const QRegularExpression literal(QStringLiteral("^[a-z][a-z0-9-]*$"));
    for (const QString &part : token.split(u'|', Qt::SkipEmptyParts)) {
        const auto argument = std::find_if(help.arguments.begin(), help.arguments.end(),
                                           [&part](const HelpArgument &a) { return a.name == part; });
        if (argument != help.arguments.end()) {
            for (ValueKind kind : kindsNamed(command, part + u' ' + argument->description))
                slot.kinds << kind;
        } else if (literal.match(part).hasMatch()) {
            slot.words << part;
        } else {
            for (ValueKind kind : kindsNamed(command, part))
                slot.kinds << kind;
        }
    }
    return slot;
}

CompletionCommand commandFrom(const QString &name, const QString &summary, const HelpText &help)
{
    CompletionCommand command { name, summary, {}, {} };
    for (const HelpOption &option : help.options)
        command.options << optionFrom(option);
    const QString syntax = help.positionalSyntax();
    for (const QString &alternative : syntax.split(QStringLiteral(" | "), Qt::SkipEmptyParts)) {
        QList<CompletionSlot> slots;
        for (const QString &token : alternative.split(u' ', Qt::SkipEmptyParts))
            slots << slotFrom(name.isEmpty() ? QStringLiteral("pipescope") : name, token, help);
        command.alternatives << slots;
    }
    return command;
}

} // namespace

QString kindName(ValueKind kind)
{
    switch (kind) {
    case ValueKind::Pid: return QStringLiteral("pid");
    case ValueKind::PidFd: return QStringLiteral("pidfd");
    case ValueKind::Lesson: return QStringLiteral("lesson");
    case ValueKind::File: return QStringLiteral("file");
    case ValueKind::Command: return QStringLiteral("command");
    case ValueKind::Text: break;
    }
    return QStringLiteral("text");
}

CompletionSpec CompletionSpec::from(const HelpCatalog &catalog)
{
    CompletionSpec spec;
    spec.commands << commandFrom(QString(), QString(), catalog.program);
    for (const CommandHelp &command : catalog.commands)
        spec.commands << commandFrom(command.name, command.summary, command.help);
    spec.lessons = catalog.lessons;
    return spec;
}

} // namespace PipeScope::App
