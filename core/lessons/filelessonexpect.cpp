#include "filelessonexpect.h"

#include "filelessoncommand.h"
#include "snapshotformat.h"

#include <optional>

namespace PipeScope::FileLesson {

namespace {

struct Operand {
    Operand(std::optional<double> value, QString unknown = {}, QString note = {})
        : value(value), unknown(std::move(unknown)), note(std::move(note))
    {
    }
    std::optional<double> value;
    QString unknown; ///< why the value is not known
    QString note;    ///< what the value means, when a number alone does not say it
};

QString number(double value)
{
    return value == qint64(value) ? QString::number(qint64(value)) : QString::number(value, 'f', 1);
}

int diagnosticsOf(const Command &command, const SystemSnapshot &snapshot)
{
    QSet<qint64> pids;
    for (const Stage &stage : command.stages())
        pids << stage.target.pid;
    int count = 0;
    for (const PipeInfo &pipe : snapshot.pipes) {
        if (SnapshotFormat::participants(pipe).intersects(pids))
            count += int(pipe.diagnostics.size());
    }
    return count;
}

Operand fromPipe(const Command &command, const SystemSnapshot &snapshot, bool queued)
{
    const PipeInfo *pipe = command.pipe(snapshot);
    if (!pipe)
        return {std::nullopt, QStringLiteral("`%1` writes into no pipe now").arg(command.text())};
    const std::optional<qint64> value = queued ? pipe->queued : pipe->capacity;
    if (!value)
        return {std::nullopt, pipe->unreachableReason};
    return {double(*value), {}};
}

Operand fromExit(const std::optional<int> &value, const Command &command)
{
    if (!value)
        return {std::nullopt, QStringLiteral("`%1` has not exited").arg(command.text())};
    return {double(*value), {}};
}

Operand valueOf(const QString &text, const QList<const Command *> &commands, const SystemSnapshot &snapshot)
{
    bool isNumber = false;
    const qint64 literal = text.toLongLong(&isNumber);
    if (isNumber)
        return {double(literal), {}};
    const QString name = text.section(u':', 0, 0);
    const Command *command = commands.value(text.section(u':', 1).toInt() - 1);
    if (!command)
        return {std::nullopt, QStringLiteral("no such command")};
    if (name == QLatin1String("queued") || name == QLatin1String("capacity"))
        return fromPipe(*command, snapshot, name == QLatin1String("queued"));
    if (name == QLatin1String("exit-status"))
        return fromExit(command->exitStatus(), *command);
    if (name == QLatin1String("exit-signal"))
        return fromExit(command->exitSignal(), *command);
    if (name == QLatin1String("diagnostics"))
        return {double(diagnosticsOf(*command, snapshot)), {}};
    Error why;
    if (name == QLatin1String("bottleneck")) {
        QString verdict;
        const std::optional<double> stage = command->bottleneck(&verdict, &why);
        return {stage, why.message(), verdict};
    }
    const std::optional<double> rate = command->rate(&why); // "rate"
    return {rate, why.message(), {}};
}

bool holds(double left, const QString &op, double right)
{
    if (op == QLatin1String("=="))
        return left == right;
    if (op == QLatin1String("!="))
        return left != right;
    if (op == QLatin1String("<"))
        return left < right;
    if (op == QLatin1String("<="))
        return left <= right;
    if (op == QLatin1String(">"))
        return left > right;
    return left >= right;
}

/// "queued:1 = 65536", or the number alone.
QString side(const QString &text, const Operand &operand)
{
    bool isNumber = false;
    text.toLongLong(&isNumber);
    if (isNumber)
        return text;
    if (!operand.value)
        return QStringLiteral("%1 unknown (%2)").arg(text, operand.unknown);
    const QString value = QStringLiteral("%1 = %2").arg(text, number(*operand.value));
    return operand.note.isEmpty() ? value : QStringLiteral("%1 (%2)").arg(value, operand.note);
}

} // namespace

Comparisons compare(const QList<LessonFileExpect> &expects, const QList<const Command *> &commands,
                    const SystemSnapshot &snapshot)
{
    Comparisons result;
    for (const LessonFileExpect &expect : expects) {
        const Operand left = valueOf(expect.left, commands, snapshot);
        const Operand right = valueOf(expect.right, commands, snapshot);
        const bool known = left.value && right.value;
        const bool ok = known && holds(*left.value, expect.op, *right.value);
        result.allHold = result.allHold && ok;
        result.predictions << QStringLiteral("%1 %2 %3").arg(expect.left, expect.op, expect.right);
        result.lines << QStringLiteral("%1 %2 %3: %4")
                            .arg(side(expect.left, left), expect.op, side(expect.right, right),
                                 ok ? QStringLiteral("holds") : QStringLiteral("does not hold"));
        for (const auto &[text, operand] : {std::pair {expect.left, left}, std::pair {expect.right, right}}) {
            if (operand.value && text.contains(u':'))
                result.values.insert(text, *operand.value);
        }
    }
    return result;
}

} // namespace PipeScope::FileLesson
