#include "worksheet.h"

#include <QDateTime>
#include <QSaveFile>
#include <QSysInfo>

namespace PipeScope {

namespace {

QString mark(bool matches)
{
    return matches ? QStringLiteral("✓ as predicted") : QStringLiteral("✗ differs");
}

/// "65536", "1.5" — the way the numbers were measured, without a float's noise.
QString valueText(const QVariant &value)
{
    if (value.typeId() == QMetaType::Double) {
        const double d = value.toDouble();
        return d == qint64(d) ? QString::number(qint64(d)) : QString::number(d, 'f', 1);
    }
    return value.toString();
}

/// Markdown would read `|`, `*`, `_`, `<` and a backquote as markup.
QString md(QString text)
{
    for (const QChar c : {u'\\', u'|', u'*', u'_', u'<', u'`', u'[', u']'})
        text.replace(c, QStringLiteral("\\") + c);
    return text;
}

QString h(const QString &text)
{
    return text.toHtmlEscaped();
}

QString dataUrl(const QByteArray &png)
{
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

} // namespace

Worksheet::Worksheet(const Lesson &lesson, const QList<Observation> &observations)
    : m_lesson(lesson), m_observations(observations),
      m_runInfo(QStringLiteral("%1, %2 %3")
                    .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                         QSysInfo::kernelType(), QSysInfo::kernelVersion()))
{
}

Worksheet::Format Worksheet::formatFor(const QString &path)
{
    const QString lower = path.toLower();
    return lower.endsWith(QLatin1String(".html")) || lower.endsWith(QLatin1String(".htm"))
        ? Format::Html
        : Format::Markdown;
}

void Worksheet::setGraph(int step, const QByteArray &png)
{
    m_graphs.insert(step, png);
}

int Worksheet::matchCount() const
{
    int count = 0;
    for (const Observation &observation : m_observations)
        count += observation.matches ? 1 : 0;
    return count;
}

QString Worksheet::markdownStep(int index) const
{
    const Step &step = m_lesson.steps.at(index);
    const Observation &o = m_observations.at(index);
    QString text = QStringLiteral("## %1. %2\n\n%3\n\n").arg(index + 1).arg(md(step.title), md(step.explanation));
    text += QStringLiteral("- **Predicted:** %1\n").arg(md(step.prediction));
    if (!o.prediction.isEmpty())
        text += QStringLiteral("- **On this machine:** %1\n").arg(md(o.prediction));
    text += QStringLiteral("- **The kernel did:** %1\n").arg(md(o.observed));
    text += QStringLiteral("- **Result:** %1 (%2 ms)\n").arg(mark(o.matches)).arg(o.elapsedMs);
    if (!o.why.isEmpty())
        text += QStringLiteral("- **Why:** %1\n").arg(md(o.why));
    if (!o.values.isEmpty()) {
        text += QStringLiteral("\n| measured | value |\n|---|---|\n");
        for (auto it = o.values.cbegin(); it != o.values.cend(); ++it)
            text += QStringLiteral("| %1 | %2 |\n").arg(md(it.key()), md(valueText(it.value())));
    }
    if (m_graphs.contains(index))
        text += QStringLiteral("\n![graph of step %1](%2)\n").arg(index + 1).arg(dataUrl(m_graphs.value(index)));
    return text + u'\n';
}

QString Worksheet::markdown() const
{
    QString text = QStringLiteral("# %1\n\n%2\n\n*Lesson `%3`, run %4. %5 of %6 observations "
                                  "match their predictions.*\n\n")
                       .arg(md(m_lesson.title), md(m_lesson.summary), m_lesson.id, md(m_runInfo))
                       .arg(matchCount())
                       .arg(m_lesson.steps.size());
    for (int i = 0; i < m_observations.size() && i < m_lesson.steps.size(); ++i)
        text += markdownStep(i);
    if (m_observations.size() < m_lesson.steps.size())
        text += QStringLiteral("*Steps %1 to %2 did not run.*\n").arg(m_observations.size() + 1).arg(m_lesson.steps.size());
    return text;
}

QString Worksheet::htmlStep(int index) const
{
    const Step &step = m_lesson.steps.at(index);
    const Observation &o = m_observations.at(index);
    QString text = QStringLiteral("<section class=\"%1\">\n<h2>%2. %3</h2>\n<p>%4</p>\n<dl>\n")
                       .arg(o.matches ? QStringLiteral("ok") : QStringLiteral("differs"))
                       .arg(index + 1)
                       .arg(h(step.title), h(step.explanation));
    text += QStringLiteral("<dt>Predicted</dt><dd>%1</dd>\n").arg(h(step.prediction));
    if (!o.prediction.isEmpty())
        text += QStringLiteral("<dt>On this machine</dt><dd>%1</dd>\n").arg(h(o.prediction));
    text += QStringLiteral("<dt>The kernel did</dt><dd>%1</dd>\n").arg(h(o.observed));
    text += QStringLiteral("<dt>Result</dt><dd class=\"mark\">%1 (%2 ms)</dd>\n").arg(mark(o.matches)).arg(o.elapsedMs);
    if (!o.why.isEmpty())
        text += QStringLiteral("<dt>Why</dt><dd>%1</dd>\n").arg(h(o.why));
    text += QStringLiteral("</dl>\n");
    if (!o.values.isEmpty()) {
        text += QStringLiteral("<table>\n<tr><th>measured</th><th>value</th></tr>\n");
        for (auto it = o.values.cbegin(); it != o.values.cend(); ++it)
            text += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>\n").arg(h(it.key()), h(valueText(it.value())));
        text += QStringLiteral("</table>\n");
    }
    if (m_graphs.contains(index))
        text += QStringLiteral("<img alt=\"graph of step %1\" src=\"%2\">\n").arg(index + 1).arg(dataUrl(m_graphs.value(index)));
    return text + QStringLiteral("</section>\n");
}

QString Worksheet::html() const
{
    QString text = QStringLiteral(
                       "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>%1</title>\n<style>\nbody{font-family:sans-serif;max-width:50em;"
                       "margin:2em auto;line-height:1.4}\nsection{border-left:.4em solid #888;"
                       "padding-left:1em;margin:1.5em 0}\nsection.ok{border-color:#2a2}\n"
                       "section.differs{border-color:#c22}\ndt{font-weight:bold}\n"
                       "table{border-collapse:collapse}td,th{border:1px solid #aaa;padding:.2em .5em}\n"
                       "img{max-width:100%}\n</style>\n</head>\n<body>\n<h1>%1</h1>\n<p>%2</p>\n"
                       "<p><em>Lesson <code>%3</code>, run %4. %5 of %6 observations match their "
                       "predictions.</em></p>\n")
                       .arg(h(m_lesson.title), h(m_lesson.summary), h(m_lesson.id), h(m_runInfo))
                       .arg(matchCount())
                       .arg(m_lesson.steps.size());
    for (int i = 0; i < m_observations.size() && i < m_lesson.steps.size(); ++i)
        text += htmlStep(i);
    if (m_observations.size() < m_lesson.steps.size())
        text += QStringLiteral("<p><em>Steps %1 to %2 did not run.</em></p>\n").arg(m_observations.size() + 1).arg(m_lesson.steps.size());
    return text + QStringLiteral("</body>\n</html>\n");
}

bool Worksheet::write(const QString &path, Error *error) const
{
    QSaveFile file(path);
    const QByteArray bytes = text(formatFor(path)).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = Error(QStringLiteral("write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

} // namespace PipeScope
