#include "lessonfile.h"

#include "lessoncatalog.h"
#include "lessonfilesyntax.h"
#include "pipelinesplitter.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>


namespace PipeScope {

using namespace LessonFileSyntax;

namespace {

constexpr qsizetype MaxFileBytes = 1024 * 1024;
constexpr int MaxSteps = 100;
constexpr int MaxWaitMs = 60000;

const QStringList LessonKeys {QStringLiteral("id"), QStringLiteral("title"),
                              QStringLiteral("summary")};
const QStringList StepKeys {QStringLiteral("explain"), QStringLiteral("predict"),
                            QStringLiteral("run"),     QStringLiteral("signal"),
                            QStringLiteral("wait"),    QStringLiteral("expect"),
                            QStringLiteral("ok"),      QStringLiteral("fail")};
const QStringList Conditions {QStringLiteral("blocked-writing"), QStringLiteral("blocked-reading"),
                              QStringLiteral("opening-fifo"),    QStringLiteral("exited"),
                              QStringLiteral("stopped"),         QStringLiteral("pipe-full"),
                              QStringLiteral("time")};
const QStringList Operators {QStringLiteral("=="), QStringLiteral("!="), QStringLiteral("<"),
                             QStringLiteral("<="), QStringLiteral(">"),  QStringLiteral(">=")};

/// Builds the lesson entry by entry, checking each as it comes.
class Builder {
public:
    bool add(const Entry &entry, Error *error);
    bool finish(Error *error);
    LessonFile file;
    QStringList reserved; ///< ids a file may not take

private:
    bool addLessonKey(const Entry &entry, Error *error);
    bool addStepKey(const Entry &entry, Error *error);
    bool setOnce(QString &field, const Entry &entry, Error *error);
    bool target(const QString &text, int line, int *number, Error *error) const;
    bool parseSignal(const Entry &entry, Error *error);
    bool parseWait(const Entry &entry, Error *error);
    bool parseExpect(const Entry &entry, Error *error);
    bool operand(const QString &text, int line, Error *error) const;

    LessonFileStep *m_step = nullptr;
    int m_commands = 0;
};

bool Builder::add(const Entry &entry, Error *error)
{
    if (entry.key == QLatin1String("step")) {
        if (entry.value.isEmpty()) {
            *error = Error(at(entry.line, QStringLiteral("a step needs a title: 'step: TITLE'")));
            return false;
        }
        if (file.steps.size() >= MaxSteps) {
            *error = Error(at(entry.line, QStringLiteral("more than %1 steps").arg(MaxSteps)));
            return false;
        }
        file.steps.append(LessonFileStep {});
        m_step = &file.steps.last();
        m_step->title = entry.value;
        m_step->line = entry.line;
        return true;
    }
    if (LessonKeys.contains(entry.key))
        return addLessonKey(entry, error);
    if (StepKeys.contains(entry.key))
        return addStepKey(entry, error);
    *error = Error(at(entry.line, QStringLiteral("unknown key '%1' (known: %2, step, %3)")
                                .arg(excerpt(entry.key), LessonKeys.join(QStringLiteral(", ")),
                                     StepKeys.join(QStringLiteral(", ")))));
    return false;
}

bool Builder::addLessonKey(const Entry &entry, Error *error)
{
    if (m_step) {
        *error = Error(at(entry.line, QStringLiteral("'%1' belongs before the first step").arg(entry.key)));
        return false;
    }
    if (entry.key == QLatin1String("id")) {
        if (!QRegularExpression(QStringLiteral("^[a-z0-9][a-z0-9-]{0,39}$")).match(entry.value).hasMatch()) {
            *error = Error(at(entry.line, QStringLiteral("an id is 1 to 40 of a-z, 0-9 and '-', got '%1'")
                                        .arg(excerpt(entry.value))));
            return false;
        }
        if (reserved.contains(entry.value)) {
            *error = Error(at(entry.line, QStringLiteral("'%1' is the id of a built-in lesson").arg(entry.value)));
            return false;
        }
    }
    QString &field = entry.key == QLatin1String("id")          ? file.id
                   : entry.key == QLatin1String("title") ? file.title
                                                         : file.summary;
    return setOnce(field, entry, error);
}

bool Builder::setOnce(QString &field, const Entry &entry, Error *error)
{
    if (entry.value.isEmpty()) {
        *error = Error(at(entry.line, QStringLiteral("'%1' is empty").arg(entry.key)));
        return false;
    }
    if (!field.isEmpty()) {
        *error = Error(at(entry.line, QStringLiteral("a second '%1'").arg(entry.key)));
        return false;
    }
    field = entry.value;
    return true;
}

bool Builder::addStepKey(const Entry &entry, Error *error)
{
    if (!m_step) {
        *error = Error(at(entry.line, QStringLiteral("'%1' outside a step: start one with 'step: TITLE'")
                                    .arg(entry.key)));
        return false;
    }
    if (entry.key == QLatin1String("run")) {
        if (entry.value.isEmpty()) {
            *error = Error(at(entry.line, QStringLiteral("'run' is empty")));
            return false;
        }
        // Split now as the runner will (at unquoted '|'), so a check finds a bad quote.
        const SplitPipeline split = PipelineSplitter::split(entry.value);
        if (!split.ok()) {
            *error = Error(at(entry.line, QStringLiteral("'run' is no shell pipeline: %1").arg(split.error.message())));
            return false;
        }
        m_step->commands << entry.value;
        ++m_commands;
        return true;
    }
    if (entry.key == QLatin1String("signal"))
        return parseSignal(entry, error);
    if (entry.key == QLatin1String("wait"))
        return parseWait(entry, error);
    if (entry.key == QLatin1String("expect"))
        return parseExpect(entry, error);
    QString &field = entry.key == QLatin1String("explain")   ? m_step->explanation
                   : entry.key == QLatin1String("predict") ? m_step->prediction
                   : entry.key == QLatin1String("ok")      ? m_step->okText
                                                           : m_step->failText;
    return setOnce(field, entry, error);
}

/// A command number: 1 for the lesson's first `run`, up to those started so far.
bool Builder::target(const QString &text, int line, int *number, Error *error) const
{
    bool ok = false;
    *number = text.toInt(&ok);
    if (!ok || *number < 1 || *number > m_commands) {
        *error = Error(at(line, QStringLiteral("'%1' is no command: %2 started so far (1 is the first 'run')")
                              .arg(excerpt(text))
                              .arg(m_commands)));
        return false;
    }
    return true;
}

bool Builder::parseSignal(const Entry &entry, Error *error)
{
    const QStringList words = entry.value.split(u' ', Qt::SkipEmptyParts);
    const int signal = words.isEmpty() ? 0 : signalNumber(words.first());
    if (words.size() != 2 || signal == 0) {
        *error = Error(at(entry.line, QStringLiteral("expected 'signal: NAME COMMAND' (NAME one of STOP, "
                                               "CONT, TERM, KILL, INT, HUP, USR1, USR2, PIPE), got '%1'")
                                    .arg(excerpt(entry.value))));
        return false;
    }
    int command = 0;
    if (!target(words.at(1), entry.line, &command, error))
        return false;
    m_step->signalsToSend.append({signal, command});
    return true;
}

bool Builder::parseWait(const Entry &entry, Error *error)
{
    // wait: CONDITION [COMMAND] [within MS ms] — or — wait: time MS ms
    const QStringList words = entry.value.split(u' ', Qt::SkipEmptyParts);
    LessonFileWait wait;
    wait.condition = words.value(0);
    if (!Conditions.contains(wait.condition)) {
        *error = Error(at(entry.line, QStringLiteral("unknown condition '%1' (known: %2)")
                                    .arg(excerpt(wait.condition), Conditions.join(QStringLiteral(", ")))));
        return false;
    }
    const bool isTime = wait.condition == QLatin1String("time");
    if (!isTime && !target(words.value(1), entry.line, &wait.target, error))
        return false;
    int next = isTime ? 1 : 2;
    const bool within = !isTime && words.value(next) == QLatin1String("within");
    next += within ? 1 : 0;
    bool ok = false;
    const int ms = words.value(next).toInt(&ok);
    const bool hasDuration = within || next < words.size();
    if ((isTime || hasDuration)
        && (!ok || ms < 1 || ms > MaxWaitMs || words.value(next + 1) != QLatin1String("ms")
            || words.size() != next + 2)) {
        *error = Error(at(entry.line, QStringLiteral("expected '%1', got '%2' (at most %3 ms)")
                                    .arg(isTime ? QStringLiteral("wait: time MS ms")
                                                : QStringLiteral("wait: %1 COMMAND within MS ms").arg(wait.condition),
                                         excerpt(entry.value))
                                    .arg(MaxWaitMs)));
        return false;
    }
    if (hasDuration)
        wait.withinMs = ms;
    m_step->waits.append(wait);
    return true;
}

bool Builder::operand(const QString &text, int line, Error *error) const
{
    bool isNumber = false;
    text.toLongLong(&isNumber);
    if (isNumber)
        return true;
    const QString name = text.section(u':', 0, 0);
    if (!LessonFile::observables().contains(name) || !text.contains(u':')) {
        *error = Error(at(line, QStringLiteral("'%1' is neither a number nor NAME:COMMAND with NAME one of %2")
                              .arg(excerpt(text), LessonFile::observables().join(QStringLiteral(", ")))));
        return false;
    }
    int command = 0;
    return target(text.section(u':', 1), line, &command, error);
}

bool Builder::parseExpect(const Entry &entry, Error *error)
{
    const QStringList words = entry.value.split(u' ', Qt::SkipEmptyParts);
    if (words.size() != 3 || !Operators.contains(words.at(1))) {
        *error = Error(at(entry.line, QStringLiteral("expected 'expect: LEFT OP RIGHT' with OP one of %1, got '%2'")
                                    .arg(Operators.join(u' '), excerpt(entry.value))));
        return false;
    }
    if (!operand(words.at(0), entry.line, error) || !operand(words.at(2), entry.line, error))
        return false;
    m_step->expects.append({words.at(0), words.at(1), words.at(2), entry.line});
    return true;
}

bool Builder::finish(Error *error)
{
    for (const auto &[field, key] : {std::pair {&file.id, "id"}, {&file.title, "title"},
                                     {&file.summary, "summary"}}) {
        if (field->isEmpty()) {
            *error = Error(QStringLiteral("the lesson has no '%1:' line").arg(QLatin1String(key)));
            return false;
        }
    }
    if (file.steps.isEmpty()) {
        *error = Error(QStringLiteral("the lesson has no steps ('step: TITLE')"));
        return false;
    }
    for (const LessonFileStep &step : std::as_const(file.steps)) {
        if (step.explanation.isEmpty() || step.prediction.isEmpty()) {
            *error = Error(at(step.line, QStringLiteral("step '%1' needs an 'explain:' and a 'predict:' line")
                                       .arg(excerpt(step.title))));
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<LessonFile> LessonFile::parse(const QString &text, Error *error)
{
    return parse(text, error, LessonCatalog::builtInIds());
}

std::optional<LessonFile> LessonFile::parse(const QString &text, Error *error,
                                            const QStringList &reservedIds)
{
    const std::optional<QList<Entry>> entries = entriesOf(text, error);
    if (!entries)
        return std::nullopt;
    Builder builder;
    builder.reserved = reservedIds;
    for (const Entry &entry : *entries) {
        if (!builder.add(entry, error))
            return std::nullopt;
    }
    if (!builder.finish(error))
        return std::nullopt;
    return builder.file;
}

std::optional<LessonFile> LessonFile::load(const QString &path, Error *error)
{
    return load(path, error, LessonCatalog::builtInIds());
}

std::optional<LessonFile> LessonFile::load(const QString &path, Error *error,
                                           const QStringList &reservedIds)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = Error(QStringLiteral("%1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    const QByteArray bytes = file.read(MaxFileBytes + 1);
    if (bytes.size() > MaxFileBytes) {
        *error = Error(QStringLiteral("%1: larger than %2 bytes: not a lesson file").arg(path).arg(MaxFileBytes));
        return std::nullopt;
    }
    std::optional<LessonFile> lesson = parse(QString::fromUtf8(bytes), error, reservedIds);
    if (!lesson)
        *error = error->prefixed(path);
    return lesson;
}

bool LessonFile::namesAFile(const QString &name)
{
    return name.contains(u'/') || name.endsWith(QLatin1String(".lesson")) || QFileInfo(name).isFile();
}

QStringList LessonFile::observables()
{
    return {QStringLiteral("queued"),      QStringLiteral("capacity"),
            QStringLiteral("exit-status"), QStringLiteral("exit-signal"),
            QStringLiteral("rate"),        QStringLiteral("diagnostics"), QStringLiteral("bottleneck")};
}

} // namespace PipeScope
