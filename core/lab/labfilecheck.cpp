#include "labfilecheck.h"

#include "labgenerator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <climits>
#include <cmath>
#include <limits>

namespace PipeScope {

namespace {

bool fail(Error *error, const QString &message)
{
    if (error)
        *error = Error(message);
    return false;
}

/// A value as the file wrote it, cut short: the message must stay readable whatever the file holds.
QString shown(const QJsonValue &value)
{
    QString text = value.isString()
            ? QLatin1Char('"') + value.toString() + QLatin1Char('"')
            : QString::fromUtf8(QJsonDocument(QJsonArray{ value }).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    return text.size() > 40 ? text.left(40) + QStringLiteral("...") : text;
}

bool hasControl(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

/// Checks one settings object; \a at says where it is in the file ("pipes[2]").
class Checker
{
public:
    Checker(const QString &at, QStringList *errors) : m_at(at), m_errors(errors) { }

    void complain(const QString &what) const { m_errors->append(QStringLiteral("%1: %2").arg(m_at, what)); }

    /// True if \a key is present with \a type; a present value of another type is an error.
    bool has(const QJsonObject &object, const QString &key, QJsonValue::Type type, const char *typeName) const
    {
        if (!object.contains(key))
            return false;
        if (object.value(key).type() == type)
            return true;
        complain(QStringLiteral("%1 must be %2, got %3").arg(key, QLatin1String(typeName), shown(object.value(key))));
        return false;
    }

    void integer(const QJsonObject &object, const QString &key, qint64 minimum, qint64 maximum) const
    {
        if (!has(object, key, QJsonValue::Double, "a number"))
            return;
        const double number = object.value(key).toDouble();
        if (number != std::floor(number))
            complain(QStringLiteral("%1 must be a whole number, got %2").arg(key, shown(object.value(key))));
        else if (number < double(minimum) || number > double(maximum))
            complain(QStringLiteral("%1 %2 is out of range %3 to %4")
                             .arg(key, QString::number(number, 'f', 0))
                             .arg(minimum)
                             .arg(maximum));
    }

    void text(const QJsonObject &object, const QString &key, bool (*valid)(const QString &, Error *)) const
    {
        Error problem;
        if (has(object, key, QJsonValue::String, "a string") && !valid(object.value(key).toString(), &problem))
            complain(problem.message());
    }

    void oneOf(const QJsonObject &object, const QString &key, const QStringList &allowed) const
    {
        if (has(object, key, QJsonValue::String, "a string") && !allowed.contains(object.value(key).toString()))
            complain(QStringLiteral("%1 must be one of %2, got %3")
                             .arg(key, allowed.join(QStringLiteral(", ")), shown(object.value(key))));
    }

    void flag(const QJsonObject &object, const QString &key) const { has(object, key, QJsonValue::Bool, "true or false"); }

    Checker inner(const QString &key) const { return Checker(m_at + u'.' + key, m_errors); }

private:
    QString m_at;
    QStringList *m_errors;
};

void checkGenerator(const Checker &check, const QJsonObject &generator)
{
    check.integer(generator, QStringLiteral("rate"), 0, LabFileCheck::MaxRate);
    check.integer(generator, QStringLiteral("chunk"), 1, LabGenerator::MaxChunk);
    check.oneOf(generator, QStringLiteral("pattern"), { QStringLiteral("text"), QStringLiteral("random") });
    check.flag(generator, QStringLiteral("running"));
}

/// Capacity, writer and reader: what a pipe of any kind may carry (LabJson::pipeSettings).
void checkSettings(const Checker &check, const QJsonObject &settings)
{
    check.integer(settings, QStringLiteral("capacity"), 1, std::numeric_limits<int>::max());
    if (check.has(settings, QStringLiteral("writer"), QJsonValue::Object, "an object")) {
        const Checker writer = check.inner(QStringLiteral("writer"));
        const QJsonObject object = settings.value(QStringLiteral("writer")).toObject();
        writer.integer(object, QStringLiteral("highWater"), -1, std::numeric_limits<int>::max());
        writer.integer(object, QStringLiteral("lowWater"), -1, std::numeric_limits<int>::max());
        if (writer.has(object, QStringLiteral("generator"), QJsonValue::Object, "an object"))
            checkGenerator(writer.inner(QStringLiteral("generator")), object.value(QStringLiteral("generator")).toObject());
    }
    if (check.has(settings, QStringLiteral("reader"), QJsonValue::Object, "an object")) {
        const Checker reader = check.inner(QStringLiteral("reader"));
        const QJsonObject object = settings.value(QStringLiteral("reader")).toObject();
        reader.integer(object, QStringLiteral("maxRate"), 0, LabFileCheck::MaxRate);
        reader.flag(object, QStringLiteral("paused"));
    }
}

void checkPipe(const Checker &check, const QJsonObject &pipe)
{
    check.oneOf(pipe, QStringLiteral("kind"), { QStringLiteral("pipe"), QStringLiteral("fifo") });
    if (pipe.value(QStringLiteral("kind")).toString() == u"fifo") {
        if (!pipe.contains(QStringLiteral("path")))
            check.complain(QStringLiteral("a FIFO needs a \"path\""));
        check.text(pipe, QStringLiteral("path"), &LabFileCheck::checkFifoPath);
        check.flag(pipe, QStringLiteral("openReader"));
        check.flag(pipe, QStringLiteral("existing"));
    } else {
        check.text(pipe, QStringLiteral("name"), &LabFileCheck::checkName);
    }
    checkSettings(check, pipe);
}

void checkChild(const Checker &check, const QJsonObject &child)
{
    if (!child.contains(QStringLiteral("command")))
        check.complain(QStringLiteral("a child needs a \"command\""));
    check.text(child, QStringLiteral("command"), &LabFileCheck::checkCommand);
    if (child.contains(QStringLiteral("stderr")))
        check.oneOf(child, QStringLiteral("stderr"),
                    { QStringLiteral("terminal"), QStringLiteral("pipe"), QStringLiteral("stdout"), QStringLiteral("null") });
    for (const QString &end : { QStringLiteral("stdin"), QStringLiteral("stdout"), QStringLiteral("stderrPipe") }) {
        if (check.has(child, end, QJsonValue::Object, "an object"))
            checkSettings(check.inner(end), child.value(end).toObject());
    }
}

void checkList(const QJsonObject &json, const QString &key, void (*each)(const Checker &, const QJsonObject &),
               QStringList *errors)
{
    if (!Checker(QStringLiteral("lab file"), errors).has(json, key, QJsonValue::Array, "a list"))
        return;
    const QJsonArray list = json.value(key).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const Checker check(QStringLiteral("%1[%2]").arg(key).arg(i), errors);
        if (list.at(i).isObject())
            each(check, list.at(i).toObject());
        else
            check.complain(QStringLiteral("must be an object, got %1").arg(shown(list.at(i))));
    }
}

} // namespace

bool LabFileCheck::checkName(const QString &name, Error *error)
{
    if (name.size() > MaxNameLength)
        return fail(error, QStringLiteral("name is %1 characters long; at most %2 are allowed")
                                   .arg(name.size())
                                   .arg(MaxNameLength));
    if (hasControl(name))
        return fail(error, QStringLiteral("name \"%1\" holds a control character (NUL, newline...)")
                                   .arg(name.left(40)));
    return true;
}

bool LabFileCheck::checkFifoPath(const QString &path, Error *error)
{
    if (path.isEmpty())
        return fail(error, QStringLiteral("no FIFO path given"));
    if (path.contains(QChar(0)))
        return fail(error, QStringLiteral("FIFO path \"%1\" holds a NUL byte: the kernel would see only \"%2\"")
                                   .arg(path.left(80).replace(QChar(0), QStringLiteral("\\0")), path.left(path.indexOf(QChar(0)))));
    const qsizetype bytes = QFile::encodeName(path).size();
    if (bytes >= PATH_MAX)
        return fail(error, QStringLiteral("FIFO path is %1 bytes long; paths are shorter than PATH_MAX (%2): \"%3...\"")
                                   .arg(bytes)
                                   .arg(PATH_MAX)
                                   .arg(path.left(40)));
    return true;
}

bool LabFileCheck::checkCommand(const QString &command, Error *error)
{
    if (command.trimmed().isEmpty())
        return fail(error, QStringLiteral("empty command line"));
    if (command.contains(QChar(0)))
        return fail(error, QStringLiteral("command \"%1\" holds a NUL byte").arg(command.left(40)));
    if (command.size() > MaxCommandLength)
        return fail(error, QStringLiteral("command is %1 characters long; at most %2 are allowed: \"%3...\"")
                                   .arg(command.size())
                                   .arg(MaxCommandLength)
                                   .arg(command.left(40)));
    return true;
}

QStringList LabFileCheck::check(const QJsonObject &json)
{
    QStringList errors;
    checkList(json, QStringLiteral("pipes"), &checkPipe, &errors);
    checkList(json, QStringLiteral("children"), &checkChild, &errors);
    return errors;
}

} // namespace PipeScope
