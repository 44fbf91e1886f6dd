#pragma once
/// \file lab.h
/// The Pipe Lab: the pipes and child processes a user plays with, one timeline for all.
///
/// The lab runs one timer (TickIntervalMs) that drives every generator and slow consumer,
/// samples throughput four times a second and flushes the coalesced timeline entries; views
/// read LabPipe::snapshot() on their own timer. Nothing here blocks: FIFO writers wait for a
/// reader from the event loop, and children are watched through a pidfd.

#include "childprocess.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace PipeScope {

class LabChild;
class LabEventLog;
class LabPipe;
struct LabPipeSnapshot;

class Lab : public QObject
{
    Q_OBJECT
public:
    static constexpr int TickIntervalMs = 50;
    static constexpr int TicksPerSample = 5; ///< rates sampled every 250 ms
    /// Coalesced data entries go into the timeline once a second per pipe end: a readable
    /// timeline, and 200 busy pipes add 400 rows a second rather than thousands.
    static constexpr int TicksPerFlush = 20;

    explicit Lab(QObject *parent = nullptr);
    /// Kills and reaps the children; transports close without signals.
    ~Lab() override;

    /// A new anonymous pipe; \a name defaults to "pipe N". A name longer than
    /// LabFileCheck::MaxNameLength or with a control character is refused.
    LabPipe *addAnonymousPipe(const QString &name = {}, Error *error = nullptr);
    /// A FIFO at \a path (created if missing; anything else there is an error, and so is a
    /// path with a NUL or of PATH_MAX bytes or more). Its writer waits for a reader;
    /// \a openReader opens the lab's own reader at once.
    /// \a anyOwner: the user chose an existing FIFO and may use it whoever owns it (see
    /// LabPipe::FifoAccess); a lab file never sets it.
    LabPipe *addFifo(const QString &path, bool openReader, Error *error = nullptr, bool anyOwner = false);
    /// Starts \a commandLine with its stdin and stdout as two new lab pipes; its stderr goes
    /// where \a stderrMode says (ChildProcess::Stream::Pipe: a third lab pipe, "NAME stderr",
    /// so a program's complaints show in the lab rather than in PipeScope's terminal).
    LabChild *addChild(const QString &commandLine, ChildProcess::Stream stderrMode, Error *error = nullptr);
    LabChild *addChild(const QString &commandLine, Error *error = nullptr)
    {
        return addChild(commandLine, ChildProcess::Stream::Inherit, error);
    }
    /// The demo a first-time user sees: one pipe with a generator running at 16 KiB/s.
    LabPipe *addDemoPipe();

    /// Removes the pipe (a child's pipe removes the child and both its pipes).
    void removePipe(int id);
    void clear();

    QList<LabPipe *> pipes() const { return m_pipes; }
    LabPipe *pipe(int id) const;
    QList<LabChild *> children() const { return m_children; }
    /// The stdin and stdout pipes of \a child.
    QList<LabPipe *> pipesOf(const LabChild *child) const;
    LabEventLog *eventLog() const { return m_log; }
    QList<LabPipeSnapshot> snapshots() const;

    /// Pipes, children, generators and reader speeds as JSON (see labjson.h).
    QJsonObject toJson() const;
    /// Asked with the command lines of a lab file's children before any of them starts; false
    /// builds the lab without them. (The core cannot ask the user: the GUI shows a dialog.)
    using ChildApproval = std::function<bool(const QStringList &commandLines)>;

    /// Replaces the lab with \a json. A file with a wrong value (LabFileCheck) is refused and
    /// the lab left as it was; on another error the lab holds what could be built and \a error
    /// lists what could not. Children start only if \a approve says so (no \a approve: they
    /// start, for programs and tests that made the file themselves).
    bool fromJson(const QJsonObject &json, Error *error, const ChildApproval &approve = {});
    bool save(const QString &path, Error *error) const;
    bool load(const QString &path, Error *error, const ChildApproval &approve = {});

    /// Stops and restarts the timer, e.g. for a test that drives tick() itself.
    void setTicking(bool ticking);
    void tick();

Q_SIGNALS:
    void pipeAdded(PipeScope::LabPipe *pipe);
    void pipeRemoved(int id);

private:
    LabPipe *createPipe(int kind, const QString &name);
    void adopt(LabPipe *pipe);
    /// Deletes a pipe that never joined the lab and frees its name.
    void discard(LabPipe *pipe);
    /// \a base if free, else "base N" with the next N not taken; the name is taken from now on.
    QString takeName(const QString &base);

    LabEventLog *m_log;
    QList<LabPipe *> m_pipes;
    QList<LabChild *> m_children;
    QSet<QString> m_names;           ///< names of the pipes in the lab
    QHash<QString, int> m_nextNumber; ///< per stem, the N to try next: naming stays linear
    QTimer m_timer;
    int m_nextId = 1;
    int m_tickCount = 0;
};

} // namespace PipeScope
