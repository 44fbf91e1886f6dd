#include "pipelinediscovery.h"

#include "procdirectory.h"
#include "procparsers.h"
#include "sys.h"

#include <QFile>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>

namespace PipeScope {

namespace {

/// One process's place in a pipeline: the pipes on its fd 0 (read end) and fd 1 (write end).
struct Candidate
{
    qint64 pid = 0;
    qint64 ppid = 0;
    quint64 in = 0;
    quint64 out = 0;
    bool noAccess = false;
};

struct Chain
{
    QList<DiscoveredStage> stages;
    QList<quint64> pipes;
    quint64 danglingIn = 0;  ///< the first stage reads a pipe nobody we see writes
    quint64 danglingOut = 0; ///< the last stage writes a pipe nobody we see reads
    bool contains(qint64 pid) const
    {
        return std::any_of(stages.cbegin(), stages.cend(), [pid](const DiscoveredStage &s) { return s.pids.contains(pid); });
    }
};

class Finder
{
public:
    Finder(int procFd, const QString &root) : m_procFd(procFd), m_root(root) { scanParents(); }

    bool exists(qint64 pid) const { return m_ppid.contains(pid); }
    qint64 parentOf(qint64 pid) const { return m_ppid.value(pid); }
    QList<Candidate> family(qint64 parent) const;
    QList<Chain> chains(const QList<Candidate> &candidates, qint64 parent) const;
    QString command(qint64 pid) const;
    QString name(qint64 pid) const { return m_comm.value(pid); }

private:
    void scanParents();
    Candidate readFds(qint64 pid) const;
    quint64 pipeOn(qint64 pid, int fd, EndpointMode wanted, Error *error) const;
    Chain chainFrom(const QList<const Candidate *> &members, qint64 parent) const;
    void extendWithHidden(Chain &chain, const QList<Candidate> &candidates, qint64 parent) const;

    int m_procFd;
    QString m_root;
    QHash<qint64, qint64> m_ppid;
    QHash<qint64, QList<qint64>> m_children;
    QHash<qint64, QString> m_comm;
};

void Finder::scanParents()
{
    ProcDirectory listing(m_procFd, ".", ProcDirectory::isProcfs(m_procFd) ? ProcDirectory::Listing::ShortReadEnds
                                                                       : ProcDirectory::Listing::UntilEmpty);
    while (const char *name = listing.next()) {
        if (*name < '0' || *name > '9')
            continue;
        const auto text = ProcDirectory::readSmallFile(m_procFd, (QByteArray(name) + "/stat").constData(), nullptr);
        const auto stat = text ? ProcParsers::parseStat(*text) : std::nullopt;
        if (!stat)
            continue; // gone meanwhile
        m_ppid.insert(stat->pid, stat->ppid);
        m_children[stat->ppid] << stat->pid;
        m_comm.insert(stat->pid, stat->comm);
    }
}

quint64 Finder::pipeOn(qint64 pid, int fd, EndpointMode wanted, Error *error) const
{
    const QByteArray path = QByteArray::number(pid) + "/fd/" + QByteArray::number(fd);
    char link[64];
    const ssize_t n = ProcDirectory::readLink(m_procFd, path.constData(), link, sizeof link, error);
    if (n <= 0)
        return 0;
    const FdTarget target = ProcParsers::parseFdTarget(QByteArray(link, int(n)));
    if (target.kind != FdTarget::Kind::Pipe)
        return 0;
    // The link's own permission bits say which end it is (0500 read, 0300 write).
    struct stat status;
    if (!ProcDirectory::stat(m_procFd, path.constData(), false, &status, error))
        return 0;
    const auto mode = ProcParsers::modeFromLinkPermissions(status.st_mode);
    return !mode || *mode == wanted || *mode == EndpointMode::ReadWrite ? target.inode : 0;
}

Candidate Finder::readFds(qint64 pid) const
{
    Candidate candidate;
    candidate.pid = pid;
    candidate.ppid = m_ppid.value(pid);
    Error error;
    candidate.in = pipeOn(pid, 0, EndpointMode::Read, &error);
    candidate.noAccess = error.code() == EACCES || error.code() == EPERM;
    candidate.out = pipeOn(pid, 1, EndpointMode::Write, &error);
    return candidate;
}

QList<Candidate> Finder::family(qint64 parent) const
{
    QList<Candidate> members;
    QList<qint64> queue = m_children.value(parent);
    QSet<qint64> seen;
    while (!queue.isEmpty()) {
        const qint64 pid = queue.takeFirst();
        if (seen.contains(pid) || pid == parent)
            continue;
        seen.insert(pid);
        members << readFds(pid);
        queue << m_children.value(pid);
    }
    return members;
}

QString Finder::command(qint64 pid) const
{
    const auto text = ProcDirectory::readFile(m_procFd, (QByteArray::number(pid) + "/cmdline").constData(), 4096, nullptr);
    return ProcParsers::commandLine(ProcParsers::parseCmdline(text.value_or(QByteArray())), m_comm.value(pid));
}

} // namespace

namespace {

QList<Chain> Finder::chains(const QList<Candidate> &candidates, qint64 parent) const
{
    // A pipe links two candidates when one has it on fd 1 and another on fd 0.
    QHash<quint64, int> writers, readers;
    for (const Candidate &c : candidates) {
        if (c.noAccess)
            continue;
        if (c.out)
            ++writers[c.out];
        if (c.in)
            ++readers[c.in];
    }
    const auto linked = [&](quint64 inode) { return inode && writers.value(inode) && readers.value(inode); };
    // Components: candidates joined by linked pipes (a small union-find over pipe inodes).
    QHash<quint64, quint64> root;
    const std::function<quint64(quint64)> find = [&](quint64 x) {
        quint64 r = root.value(x, x);
        return r == x ? x : (root[x] = find(r));
    };
    QHash<qint64, quint64> componentKey;
    for (const Candidate &c : candidates) {
        if (c.noAccess || (!c.in && !c.out))
            continue;
        const quint64 a = linked(c.in) ? c.in : 0, b = linked(c.out) ? c.out : 0;
        if (a && b)
            root[find(a)] = find(b);
        // A process on no linked pipe is a chain of its own (its pipe may lead to a hidden stage).
        componentKey.insert(c.pid, a ? a : b ? b : (quint64(1) << 63) | quint64(c.pid));
    }
    QHash<quint64, QList<const Candidate *>> components;
    for (const Candidate &c : candidates) {
        if (componentKey.contains(c.pid)) {
            const quint64 key = componentKey.value(c.pid);
            components[key >> 63 ? key : find(key)] << &c;
        }
    }
    QList<Chain> result;
    for (const auto &members : std::as_const(components)) {
        Chain chain = chainFrom(members, parent);
        extendWithHidden(chain, candidates, parent);
        if (!chain.stages.isEmpty())
            result << chain;
    }
    return result;
}

Chain Finder::chainFrom(const QList<const Candidate *> &members, qint64 parent) const
{
    QSet<quint64> outs, ins;
    for (const Candidate *c : members) {
        outs.insert(c->out);
        ins.insert(c->in);
    }
    // Linked pipes of this component, walked from the one whose writers read no linked pipe.
    const auto isLinked = [&](quint64 inode) { return inode && outs.contains(inode) && ins.contains(inode); };
    QList<quint64> pipes;
    for (const Candidate *c : members) {
        if (isLinked(c->out) && !isLinked(c->in) && !pipes.contains(c->out))
            pipes = { c->out };
    }
    for (bool grew = !pipes.isEmpty(); grew;) {
        grew = false;
        for (const Candidate *c : members) {
            if (c->in == pipes.last() && isLinked(c->out) && !pipes.contains(c->out)) {
                pipes << c->out;
                grew = true;
                break;
            }
        }
    }
    Chain chain;
    chain.pipes = pipes;
    const int count = int(pipes.size()) + 1;
    QList<QList<qint64>> pids(count);
    for (const Candidate *c : members) {
        const int byOut = int(pipes.indexOf(c->out)), byIn = int(pipes.indexOf(c->in));
        const int stage = pipes.isEmpty() ? 0 : byOut >= 0 ? byOut : byIn >= 0 ? byIn + 1 : -1;
        if (stage >= 0)
            pids[stage] << c->pid;
    }
    for (QList<qint64> &stagePids : pids) {
        if (stagePids.isEmpty())
            return {};
        // The main process is the shell's child; the others (a subshell's, xargs's) follow.
        std::sort(stagePids.begin(), stagePids.end(), [&](qint64 a, qint64 b) {
            const bool ca = m_ppid.value(a) == parent, cb = m_ppid.value(b) == parent;
            return ca != cb ? ca : a < b;
        });
        chain.stages << DiscoveredStage { stagePids, command(stagePids.first()), false };
    }
    for (const Candidate *c : members) {
        if (c->pid == chain.stages.first().pids.first() && c->in && !isLinked(c->in))
            chain.danglingIn = c->in;
        if (c->pid == chain.stages.last().pids.first() && c->out && !isLinked(c->out))
            chain.danglingOut = c->out;
    }
    return chain;
}

void Finder::extendWithHidden(Chain &chain, const QList<Candidate> &candidates, qint64 parent) const
{
    if (chain.stages.isEmpty())
        return;
    QList<qint64> hidden;
    for (const Candidate &c : candidates) {
        if (c.noAccess && c.ppid == parent)
            hidden << c.pid;
    }
    std::sort(hidden.begin(), hidden.end());
    const qint64 first = chain.stages.first().pids.first(), last = chain.stages.last().pids.first();
    if (chain.danglingIn) {
        const auto before = std::lower_bound(hidden.cbegin(), hidden.cend(), first);
        if (before != hidden.cbegin()) {
            const qint64 pid = *(before - 1);
            chain.stages.prepend(DiscoveredStage { { pid }, command(pid), true });
            chain.pipes.prepend(chain.danglingIn);
        }
    }
    if (chain.danglingOut) {
        const auto after = std::upper_bound(hidden.cbegin(), hidden.cend(), last);
        if (after != hidden.cend()) {
            chain.stages << DiscoveredStage { { *after }, command(*after), true };
            chain.pipes << chain.danglingOut;
        }
    }
}

Fd openRoot(const QString &procRoot)
{
    return Fd(Sys::open(QFile::encodeName(procRoot).constData(), O_RDONLY | O_DIRECTORY));
}

} // namespace

std::optional<DiscoveredPipeline> PipelineDiscovery::find(qint64 pid, Failure *failure, Error *error,
                                                         const QString &procRoot)
{
    const Fd procFd = openRoot(procRoot);
    if (!procFd) {
        const int code = errno;
        *failure = Failure::NoSuchProcess;
        Error::report(error, Error::fromErrno(code, QStringLiteral("open ") + procRoot));
        return std::nullopt;
    }
    const Finder finder(procFd.get(), procRoot);
    if (!finder.exists(pid)) {
        *failure = Failure::NoSuchProcess;
        Error::report(error, Error(QStringLiteral("no process %1 (%2/%1 does not exist)").arg(pid).arg(procRoot)));
        return std::nullopt;
    }
    // As a stage: the pipeline among its siblings. As the shell: among its children.
    for (const qint64 parent : { finder.parentOf(pid), pid }) {
        QList<Chain> chains = finder.chains(finder.family(parent), parent);
        std::stable_sort(chains.begin(), chains.end(),
                         [](const Chain &a, const Chain &b) { return a.stages.size() > b.stages.size(); });
        for (const Chain &chain : std::as_const(chains)) {
            if (chain.stages.size() >= 2 && (parent == pid || chain.contains(pid)))
                return DiscoveredPipeline { parent, chain.stages, chain.pipes };
        }
    }
    Error readError;
    char link[64];
    ProcDirectory::readLink(procFd.get(), (QByteArray::number(pid) + "/fd/0").constData(), link, sizeof link, &readError);
    const QString name = finder.name(pid);
    if (readError.code() == EACCES || readError.code() == EPERM) {
        *failure = Failure::AccessDenied;
        Error::report(error, Error(QStringLiteral("readlink %1/%2/fd/0: %3 (process %2 (%4) belongs to another user or is "
                                                  "not dumpable, and no readable neighbour leads to it)")
                                           .arg(procRoot).arg(pid).arg(readError.message(), name),
                                   readError.code()));
        return std::nullopt;
    }
    *failure = Failure::NotAPipeline;
    Error::report(error, Error(QStringLiteral("process %1 (%2) is not in a pipeline: no other process shares a pipe on "
                                              "its fds 0 and 1, and none of its children form one")
                                       .arg(pid).arg(name)));
    return std::nullopt;
}

} // namespace PipeScope
