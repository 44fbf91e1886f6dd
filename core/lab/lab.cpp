#include "lab.h"

#include "childprocess.h"
#include "labchild.h"
#include "labeventlog.h"
#include "labgenerator.h"
#include "labjson.h"
#include "lablogging.h"
#include "labpipe.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace PipeScope {

Lab::Lab(QObject *parent) : QObject(parent), m_log(new LabEventLog(this))
{
    m_timer.setInterval(TickIntervalMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Lab::tick);
    m_timer.start();
}

Lab::~Lab()
{
    // Pipes first: their transports must not outlive the log they write to.
    qDeleteAll(m_pipes);
    m_pipes.clear();
    qDeleteAll(m_children);
    m_children.clear();
}

QString Lab::uniqueName(const QString &base) const
{
    auto taken = [this](const QString &name) {
        for (const LabPipe *pipe : m_pipes) {
            if (pipe->name() == name)
                return true;
        }
        return false;
    };
    if (!base.isEmpty() && !taken(base))
        return base;
    const QString stem = base.isEmpty() ? QStringLiteral("pipe") : base;
    for (int n = base.isEmpty() ? 1 : 2;; ++n) {
        const QString name = QStringLiteral("%1 %2").arg(stem).arg(n);
        if (!taken(name))
            return name;
    }
}

LabPipe *Lab::createPipe(int kind, const QString &name)
{
    return new LabPipe(m_nextId++, LabPipe::Kind(kind), uniqueName(name), m_log, this);
}

void Lab::adopt(LabPipe *pipe)
{
    m_pipes.append(pipe);
    Q_EMIT pipeAdded(pipe);
}

LabPipe *Lab::addAnonymousPipe(const QString &name, QString *error)
{
    LabPipe *pipe = createPipe(int(LabPipe::Kind::Anonymous), name);
    if (!pipe->openAnonymous(error)) {
        delete pipe;
        return nullptr;
    }
    adopt(pipe);
    return pipe;
}

LabPipe *Lab::addFifo(const QString &path, bool openReader, QString *error)
{
    if (path.isEmpty()) {
        if (error)
            *error = QStringLiteral("no FIFO path given");
        return nullptr;
    }
    LabPipe *pipe = createPipe(int(LabPipe::Kind::Fifo), QFileInfo(path).fileName());
    if (!pipe->openFifo(path, openReader, error)) {
        delete pipe;
        return nullptr;
    }
    adopt(pipe);
    return pipe;
}

LabChild *Lab::addChild(const QString &commandLine, QString *error)
{
    auto *child = new LabChild(commandLine, this);
    if (!child->start(error)) {
        delete child;
        return nullptr;
    }
    const QString program = child->programName();
    LabPipe *in = createPipe(int(LabPipe::Kind::ChildStdin), program + QStringLiteral(" stdin"));
    LabPipe *out = createPipe(int(LabPipe::Kind::ChildStdout), program + QStringLiteral(" stdout"));
    ChildProcess *process = child->process();
    const int inFd = process->takeStdinFd();
    const int outFd = process->takeStdoutFd();
    if (!in->adoptChildFd(inFd, child, error) || !out->adoptChildFd(outFd, child, error)) {
        // adoptChildFd leaves a refused fd open; whichever transport did not take its fd
        // gives it back here.
        if (!in->writer()->isOpen())
            Sys::close(inFd);
        if (!out->reader()->isOpen())
            Sys::close(outFd);
        delete in;
        delete out;
        delete child;
        return nullptr;
    }
    m_children.append(child);
    qCDebug(lcLab, "child %s started, pid %d", qUtf8Printable(child->commandLine()), int(child->pid()));
    m_log->append(in->id(), in->name(), QStringLiteral("child"), QStringLiteral("started"),
                  QStringLiteral("%1 (pid %2)").arg(child->commandLine()).arg(child->pid()));
    const int inId = in->id();
    const QString inName = in->name();
    connect(child, &LabChild::finished, this, [this, inId, inName](const QString &status) {
        m_log->append(inId, inName, QStringLiteral("child"), QStringLiteral("finished"), status);
    });
    adopt(in);
    adopt(out);
    return child;
}

LabPipe *Lab::addDemoPipe()
{
    LabPipe *pipe = addAnonymousPipe(QStringLiteral("demo"));
    if (pipe)
        pipe->generator()->start();
    return pipe;
}

LabPipe *Lab::pipe(int id) const
{
    for (LabPipe *pipe : m_pipes) {
        if (pipe->id() == id)
            return pipe;
    }
    return nullptr;
}

QList<LabPipe *> Lab::pipesOf(const LabChild *child) const
{
    QList<LabPipe *> result;
    for (LabPipe *pipe : m_pipes) {
        if (child && pipe->child() == child)
            result.append(pipe);
    }
    return result;
}

void Lab::removePipe(int id)
{
    LabPipe *target = pipe(id);
    if (!target)
        return;
    LabChild *child = target->child();
    const QList<LabPipe *> doomed = child ? pipesOf(child) : QList<LabPipe *>{ target };
    for (LabPipe *p : doomed) {
        m_pipes.removeOne(p);
        p->retire();
        const int removedId = p->id();
        // Later, not now: the caller may be inside a slot of one of its transports.
        p->deleteLater();
        Q_EMIT pipeRemoved(removedId);
    }
    if (child) {
        m_children.removeOne(child);
        child->deleteLater();
    }
}

void Lab::clear()
{
    while (!m_pipes.isEmpty())
        removePipe(m_pipes.constFirst()->id());
    m_log->clear();
}

QList<LabPipeSnapshot> Lab::snapshots() const
{
    QList<LabPipeSnapshot> result;
    result.reserve(m_pipes.size());
    for (const LabPipe *pipe : m_pipes)
        result.append(pipe->snapshot());
    return result;
}

void Lab::setTicking(bool ticking)
{
    if (ticking)
        m_timer.start();
    else
        m_timer.stop();
}

void Lab::tick()
{
    const qint64 now = m_log->elapsedNs();
    for (LabPipe *pipe : std::as_const(m_pipes))
        pipe->tick(now);
    ++m_tickCount;
    if (m_tickCount % TicksPerSample == 0) {
        for (LabPipe *pipe : std::as_const(m_pipes))
            pipe->sampleRates(now);
    }
    if (m_tickCount % TicksPerFlush == 0)
        m_log->flush();
}

} // namespace PipeScope

namespace PipeScope {

QJsonObject Lab::toJson() const
{
    QJsonObject json = LabJson::header();
    QJsonArray pipes;
    for (const LabPipe *pipe : m_pipes) {
        if (pipe->child())
            continue;
        QJsonObject entry = LabJson::pipeSettings(pipe);
        if (pipe->kind() == LabPipe::Kind::Fifo) {
            entry.insert(QStringLiteral("kind"), QStringLiteral("fifo"));
            entry.insert(QStringLiteral("path"), pipe->fifoPath());
            entry.insert(QStringLiteral("openReader"), pipe->reader()->isOpen());
        } else {
            entry.insert(QStringLiteral("kind"), QStringLiteral("pipe"));
            entry.insert(QStringLiteral("name"), pipe->name());
        }
        pipes.append(entry);
    }
    QJsonArray children;
    for (const LabChild *child : m_children) {
        QJsonObject entry{ { QStringLiteral("command"), child->commandLine() } };
        for (const LabPipe *pipe : pipesOf(child)) {
            entry.insert(pipe->kind() == LabPipe::Kind::ChildStdin ? QStringLiteral("stdin")
                                                                   : QStringLiteral("stdout"),
                         LabJson::pipeSettings(pipe));
        }
        children.append(entry);
    }
    json.insert(QStringLiteral("pipes"), pipes);
    json.insert(QStringLiteral("children"), children);
    return json;
}

bool Lab::fromJson(const QJsonObject &json, QString *error)
{
    if (!LabJson::checkHeader(json, error))
        return false;
    clear();
    QStringList errors;
    for (const QJsonValue &value : json.value(QStringLiteral("pipes")).toArray()) {
        const QJsonObject entry = value.toObject();
        QString problem;
        LabPipe *pipe = entry.value(QStringLiteral("kind")).toString() == u"fifo"
                ? addFifo(entry.value(QStringLiteral("path")).toString(),
                          entry.value(QStringLiteral("openReader")).toBool(true), &problem)
                : addAnonymousPipe(entry.value(QStringLiteral("name")).toString(), &problem);
        if (pipe)
            LabJson::applyPipeSettings(pipe, entry, &errors);
        else
            errors.append(problem);
    }
    for (const QJsonValue &value : json.value(QStringLiteral("children")).toArray()) {
        const QJsonObject entry = value.toObject();
        QString problem;
        LabChild *child = addChild(entry.value(QStringLiteral("command")).toString(), &problem);
        if (!child) {
            errors.append(problem);
            continue;
        }
        for (LabPipe *pipe : pipesOf(child)) {
            const QString key = pipe->kind() == LabPipe::Kind::ChildStdin ? QStringLiteral("stdin")
                                                                          : QStringLiteral("stdout");
            LabJson::applyPipeSettings(pipe, entry.value(key).toObject(), &errors);
        }
    }
    for (const QString &problem : std::as_const(errors))
        qCWarning(lcLab, "loading a lab: %s", qUtf8Printable(problem));
    if (!errors.isEmpty() && error)
        *error = errors.join(u'\n');
    return errors.isEmpty();
}

bool Lab::save(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("open %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool Lab::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("open %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error)
            *error = QStringLiteral("%1 is not a lab file: %2 at offset %3")
                             .arg(path, parseError.error == QJsonParseError::NoError
                                                ? QStringLiteral("not a JSON object")
                                                : parseError.errorString())
                             .arg(parseError.offset);
        return false;
    }
    return fromJson(document.object(), error);
}

} // namespace PipeScope
