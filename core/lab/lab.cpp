#include "lab.h"

#include "childprocess.h"
#include "labchild.h"
#include "labeventlog.h"
#include "labfilecheck.h"
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

#include <algorithm>

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

QString Lab::takeName(const QString &base)
{
    QString name = base;
    if (base.isEmpty() || m_names.contains(base)) {
        const QString stem = base.isEmpty() ? QStringLiteral("pipe") : base;
        int &next = m_nextNumber[stem];
        next = std::max(next, base.isEmpty() ? 1 : 2);
        do
            name = QStringLiteral("%1 %2").arg(stem).arg(next++);
        while (m_names.contains(name));
    }
    m_names.insert(name);
    return name;
}

void Lab::discard(LabPipe *pipe)
{
    m_names.remove(pipe->name());
    delete pipe;
}

LabPipe *Lab::createPipe(int kind, const QString &name)
{
    return new LabPipe(m_nextId++, LabPipe::Kind(kind), takeName(name), m_log, this);
}

void Lab::adopt(LabPipe *pipe)
{
    m_pipes.append(pipe);
    Q_EMIT pipeAdded(pipe);
}

LabPipe *Lab::addAnonymousPipe(const QString &name, Error *error)
{
    if (!LabFileCheck::checkName(name, error))
        return nullptr;
    LabPipe *pipe = createPipe(int(LabPipe::Kind::Anonymous), name);
    if (!pipe->openAnonymous(error)) {
        discard(pipe);
        return nullptr;
    }
    adopt(pipe);
    return pipe;
}

LabPipe *Lab::addFifo(const QString &path, bool openReader, Error *error, bool anyOwner)
{
    if (!LabFileCheck::checkFifoPath(path, error))
        return nullptr;
    LabPipe *pipe = createPipe(int(LabPipe::Kind::Fifo), QFileInfo(path).fileName());
    const auto access = anyOwner ? LabPipe::FifoAccess::AnyExisting : LabPipe::FifoAccess::OursOnly;
    if (!pipe->openFifo(path, openReader, error, access)) {
        discard(pipe);
        return nullptr;
    }
    adopt(pipe);
    return pipe;
}

LabChild *Lab::addChild(const QString &commandLine, ChildProcess::Stream stderrMode, Error *error)
{
    if (!LabFileCheck::checkCommand(commandLine, error))
        return nullptr;
    auto *child = new LabChild(commandLine, stderrMode, this);
    if (!child->start(error)) {
        delete child;
        return nullptr;
    }
    // The pipes are named after the program: its first word, cut to stay a label.
    const QString program = child->programName().left(LabFileCheck::MaxNameLength - 8);
    ChildProcess *process = child->process();
    QList<std::pair<LabPipe *, int>> ends = {
        { createPipe(int(LabPipe::Kind::ChildStdin), program + QStringLiteral(" stdin")), process->takeStdinFd() },
        { createPipe(int(LabPipe::Kind::ChildStdout), program + QStringLiteral(" stdout")), process->takeStdoutFd() },
    };
    if (stderrMode == ChildProcess::Stream::Pipe)
        ends.append({ createPipe(int(LabPipe::Kind::ChildStderr), program + QStringLiteral(" stderr")),
                      process->takeStderrFd() });
    bool adopted = true;
    for (const auto &[pipe, fd] : std::as_const(ends))
        adopted = adopted && pipe->adoptChildFd(fd, child, error);
    if (!adopted) {
        for (const auto &[pipe, fd] : std::as_const(ends)) {
            // adoptChildFd leaves a refused fd open (and is not called after a refusal):
            // whichever transport did not take its fd gives it back here.
            if (!(pipe->writer() ? pipe->writer()->isOpen() : pipe->reader()->isOpen()))
                Sys::close(fd);
            discard(pipe);
        }
        delete child;
        return nullptr;
    }
    LabPipe *in = ends.first().first;
    m_children.append(child);
    qCDebug(lcLab, "child %s started, pid %d", qUtf8Printable(child->commandLine()), int(child->pid()));
    m_log->append(in->id(), in->name(), QStringLiteral("child"), QStringLiteral("started"),
                  QStringLiteral("%1 (pid %2)").arg(child->commandLine()).arg(child->pid()));
    const int inId = in->id();
    const QString inName = in->name();
    connect(child, &LabChild::finished, this, [this, inId, inName](const QString &status) {
        m_log->append(inId, inName, QStringLiteral("child"), QStringLiteral("finished"), status);
    });
    for (const auto &[pipe, fd] : std::as_const(ends))
        adopt(pipe);
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
        m_names.remove(p->name());
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
    m_nextNumber.clear();
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

namespace {

/// The key of a child's pipe's settings in a lab file.
QString childPipeKey(LabPipe::Kind kind)
{
    return kind == LabPipe::Kind::ChildStdin    ? QStringLiteral("stdin")
           : kind == LabPipe::Kind::ChildStderr ? QStringLiteral("stderrPipe")
                                                : QStringLiteral("stdout");
}

} // namespace

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
        if (child->stderrMode() != ChildProcess::Stream::Inherit)
            entry.insert(QStringLiteral("stderr"), LabChild::stderrModeName(child->stderrMode()));
        for (const LabPipe *pipe : pipesOf(child))
            entry.insert(childPipeKey(pipe->kind()), LabJson::pipeSettings(pipe));
        children.append(entry);
    }
    json.insert(QStringLiteral("pipes"), pipes);
    json.insert(QStringLiteral("children"), children);
    return json;
}

bool Lab::fromJson(const QJsonObject &json, Error *error, const ChildApproval &approve)
{
    if (!LabJson::checkHeader(json, error))
        return false;
    // Checked as a whole first: a file with a wrong value leaves the current lab as it is.
    if (const QStringList problems = LabFileCheck::check(json); !problems.isEmpty()) {
        if (error)
            *error = Error(problems.join(u'\n'));
        return false;
    }
    clear();
    QStringList errors;
    for (const QJsonValue &value : json.value(QStringLiteral("pipes")).toArray()) {
        const QJsonObject entry = value.toObject();
        Error problem;
        LabPipe *pipe = entry.value(QStringLiteral("kind")).toString() == u"fifo"
                ? addFifo(entry.value(QStringLiteral("path")).toString(),
                          entry.value(QStringLiteral("openReader")).toBool(true), &problem)
                : addAnonymousPipe(entry.value(QStringLiteral("name")).toString(), &problem);
        if (pipe)
            LabJson::applyPipeSettings(pipe, entry, &errors);
        else
            errors.append(problem.message());
    }
    const QJsonArray children = json.value(QStringLiteral("children")).toArray();
    QStringList commands;
    for (const QJsonValue &value : children)
        commands << value.toObject().value(QStringLiteral("command")).toString();
    const bool approved = commands.isEmpty() || !approve || approve(commands);
    if (!approved) {
        errors.append(QStringLiteral("the lab's %1 child process(es) were not started (not approved): %2")
                              .arg(commands.size())
                              .arg(commands.join(QStringLiteral("; "))));
    }
    for (const QJsonValue &value : approved ? children : QJsonArray()) {
        const QJsonObject entry = value.toObject();
        Error problem;
        const ChildProcess::Stream stderrMode =
                LabChild::stderrModeFromName(entry.value(QStringLiteral("stderr")).toString(QStringLiteral("terminal")))
                        .value_or(ChildProcess::Stream::Inherit); // LabFileCheck refused any other
        LabChild *child = addChild(entry.value(QStringLiteral("command")).toString(), stderrMode, &problem);
        if (!child) {
            errors.append(problem.message());
            continue;
        }
        for (LabPipe *pipe : pipesOf(child))
            LabJson::applyPipeSettings(pipe, entry.value(childPipeKey(pipe->kind())).toObject(), &errors);
    }
    for (const QString &problem : std::as_const(errors))
        qCWarning(lcLab, "loading a lab: %s", qUtf8Printable(problem));
    if (!errors.isEmpty() && error)
        *error = Error(errors.join(u'\n'));
    return errors.isEmpty();
}

bool Lab::save(const QString &path, Error *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = Error(QStringLiteral("open %1: %2").arg(path, file.errorString()));
        return false;
    }
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = Error(QStringLiteral("write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

bool Lab::load(const QString &path, Error *error, const ChildApproval &approve)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = Error(QStringLiteral("open %1: %2").arg(path, file.errorString()));
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error)
            *error = Error(QStringLiteral("%1 is not a lab file: %2 at offset %3")
                             .arg(path, parseError.error == QJsonParseError::NoError
                                                ? QStringLiteral("not a JSON object")
                                                : parseError.errorString())
                             .arg(parseError.offset));
        return false;
    }
    return fromJson(document.object(), error, approve);
}

} // namespace PipeScope
