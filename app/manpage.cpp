#include "manpage.h"

#include <QRegularExpression>

namespace PipeScope::App {

namespace {

QString optionTag(const HelpOption &option)
{
    QStringList names;
    for (const QString &name : option.names)
        names << QStringLiteral("\\fB%1\\fR").arg(roffEscape(name));
    QString tag = names.join(QStringLiteral(", "));
    if (!option.valueName.isEmpty())
        tag += QStringLiteral(" \\fI%1\\fR").arg(roffEscape(option.valueName));
    return tag;
}

// Lines of the help that start indented are a table the author aligned by hand: keep them
// as they are (no fill); the others are prose, filled by the formatter.
QString paragraphs(const QStringList &lines)
{
    QString out;
    bool verbatim = false;
    bool startParagraph = true;
    for (const QString &line : lines) {
        const bool indented = line.startsWith(u' ');
        if (line.trimmed().isEmpty()) {
            startParagraph = true;
            continue;
        }
        if (indented != verbatim) {
            out += indented ? QStringLiteral(".RS 2\n.nf\n") : QStringLiteral(".fi\n.RE\n");
            verbatim = indented;
        } else if (startParagraph && !verbatim) {
            out += QStringLiteral(".PP\n");
        }
        startParagraph = false;
        out += roffEscape(indented ? line.mid(2) : line) + u'\n';
    }
    if (verbatim)
        out += QStringLiteral(".fi\n.RE\n");
    return out;
}

QString optionList(const HelpText &help)
{
    QString out;
    for (const HelpOption &option : help.options)
        out += QStringLiteral(".TP\n%1\n%2\n").arg(optionTag(option), roffEscape(option.description));
    if (!help.arguments.isEmpty()) {
        out += QStringLiteral(".PP\nArguments:\n");
        for (const HelpArgument &argument : help.arguments)
            out += QStringLiteral(".TP\n\\fI%1\\fR\n%2\n")
                           .arg(roffEscape(argument.name), roffEscape(argument.description));
    }
    for (const HelpSection &section : help.sections) {
        out += QStringLiteral(".PP\n%1:\n.RS 2\n.nf\n").arg(roffEscape(section.title));
        for (const QString &line : section.lines)
            out += roffEscape(line) + u'\n';
        out += QStringLiteral(".fi\n.RE\n");
    }
    return out;
}

// "pipescope list [options] ..." with the program and command in bold.
QString synopsisLine(const QString &usage)
{
    const qsizetype options = usage.indexOf(QLatin1String(" [options]"));
    const QString command = options < 0 ? usage : usage.left(options);
    QString line = QStringLiteral(".B %1\n").arg(roffEscape(command));
    if (options >= 0)
        line += roffEscape(usage.mid(options + 1)) + u'\n';
    return line;
}

QString header(const HelpCatalog &catalog)
{
    // No date: the page is rebuilt on every build and should be byte-identical across them.
    QString name = catalog.program.description.value(0);
    name = name.mid(name.indexOf(QLatin1String(": ")) + 1).trimmed();
    if (name.endsWith(u'.'))
        name.chop(1);
    return QStringLiteral(".TH PIPESCOPE 1 \"\" \"pipescope %1\" \"User Commands\"\n"
                          ".SH NAME\npipescope \\- %2\n")
            .arg(catalog.version, roffEscape(name));
}

QString synopsis(const HelpCatalog &catalog)
{
    QString out = QStringLiteral(".SH SYNOPSIS\n") + synopsisLine(catalog.program.usage);
    for (const CommandHelp &command : catalog.commands)
        out += QStringLiteral(".br\n") + synopsisLine(command.help.usage);
    return out;
}

QString commandSections(const HelpCatalog &catalog)
{
    QString out = QStringLiteral(".SH COMMANDS\n"
                                 "With a command, pipescope runs headless: no display is needed.\n"
                                 "\\fBpipescope help\\fR \\fICOMMAND\\fR prints what "
                                 "\\fBpipescope\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR prints.\n");
    for (const CommandHelp &command : catalog.commands) {
        out += QStringLiteral(".SS \"%1\"\n").arg(roffEscape(command.help.usage));
        out += QStringLiteral(".PP\n%1.\n").arg(roffEscape(command.summary));
        out += paragraphs(command.help.description);
        out += optionList(command.help);
    }
    return out;
}

const char *const staticSections =
        ".SH EXIT STATUS\n"
        ".TP\n0\nSuccess.\n"
        ".TP\n1\nThe command failed (a syscall error, an observation that contradicts a "
        "lesson's prediction).\n"
        ".TP\n2\nA usage error, or the window was asked for but there is no display.\n"
        ".SH ENVIRONMENT\n"
        ".TP\n.B DISPLAY\\fR, \\fBWAYLAND_DISPLAY\n"
        "The X11 or Wayland display the window opens on. Without either (and without\n"
        ".BR QT_QPA_PLATFORM ),\n"
        "pipescope without a command explains how to get a display and exits with status 2.\n"
        ".TP\n.B QT_QPA_PLATFORM\n"
        "Qt's platform plugin: \\fBoffscreen\\fR renders nowhere, \\fBvnc\\fR serves the window\n"
        "to a VNC viewer on port 5900, \\fBxcb\\fR and \\fBwayland\\fR select the display system.\n"
        ".SH FILES\n"
        ".TP\n.I *.pipelab\n"
        "A lab saved with File > Save lab (JSON, MIME type application/x\\-pipescope\\-lab+json).\n"
        ".SH SEE ALSO\n"
        ".BR pipe (7),\n.BR fifo (7),\n.BR proc (5),\n.BR lsof (8),\n.BR xvfb\\-run (1)\n";

} // namespace

QString roffEscape(const QString &text)
{
    static const QRegularExpression optionDashes(QStringLiteral("(^|[\\s(\\[`'\"|,=])(-+)(?=[\\w?])"));
    QString out;
    for (const char32_t c : text.toUcs4()) {
        if (c == U'\\')
            out += QStringLiteral("\\e");
        else if (c > 0x7e) // groff reads ASCII; \[u2713] names any Unicode character
            out += QStringLiteral("\\[u%1]").arg(QString::number(uint(c), 16).toUpper().rightJustified(4, u'0'));
        else
            out += QChar(c);
    }
    QRegularExpressionMatchIterator it = optionDashes.globalMatch(out);
    QString escaped;
    qsizetype last = 0;
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        escaped += out.mid(last, match.capturedStart(2) - last);
        escaped += match.captured(2).replace(u'-', QLatin1String("\\-"));
        last = match.capturedEnd(2);
    }
    escaped += out.mid(last);
    if (escaped.startsWith(u'.') || escaped.startsWith(u'\''))
        escaped.prepend(QStringLiteral("\\&"));
    return escaped;
}

QString manPage(const HelpCatalog &catalog)
{
    QString out = header(catalog) + synopsis(catalog);
    out += QStringLiteral(".SH DESCRIPTION\n") + paragraphs(catalog.program.description);
    out += QStringLiteral(".SH OPTIONS\n") + optionList(catalog.program);
    out += commandSections(catalog);
    out += QLatin1String(staticSections);
    return out;
}

} // namespace PipeScope::App
