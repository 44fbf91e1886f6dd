#pragma once
/// \file lab.h
/// The Pipe Lab: the pipes and child processes a user plays with, one timeline for all.
///
/// The lab runs one timer (TickIntervalMs) that drives every generator and slow consumer,
/// samples throughput four times a second and flushes the coalesced timeline entries; views
/// read LabPipe::snapshot() on their own timer. Nothing here blocks: FIFO writers wait for a
/// reader from the event loop, and children are watched through a pidfd.

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

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

    /// A new anonymous pipe; \a name defaults to "pipe N".
    LabPipe *addAnonymousPipe(const QString &name = {}, QString *error = nullptr);
    /// A FIFO at \a path (created if missing; anything else there is an error). Its writer
    /// waits for a reader; \a openReader opens the lab's own reader at once.
    LabPipe *addFifo(const QString &path, bool openReader, QString *error = nullptr);
    /// Starts \a commandLine with its stdin and stdout as two new lab pipes.
    LabChild *addChild(const QString &commandLine, QString *error = nullptr);
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
    /// Replaces the lab with \a json; on error the lab holds what could be built and \a error
    /// lists what could not.
    bool fromJson(const QJsonObject &json, QString *error);
    bool save(const QString &path, QString *error) const;
    bool load(const QString &path, QString *error);

    /// Stops and restarts the timer, e.g. for a test that drives tick() itself.
    void setTicking(bool ticking);
    void tick();

Q_SIGNALS:
    void pipeAdded(PipeScope::LabPipe *pipe);
    void pipeRemoved(int id);

private:
    LabPipe *createPipe(int kind, const QString &name);
    void adopt(LabPipe *pipe);
    QString uniqueName(const QString &base) const;

    LabEventLog *m_log;
    QList<LabPipe *> m_pipes;
    QList<LabChild *> m_children;
    QTimer m_timer;
    int m_nextId = 1;
    int m_tickCount = 0;
};

} // namespace PipeScope
