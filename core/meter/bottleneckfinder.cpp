#include "bottleneckfinder.h"

#include <algorithm>
#include <array>

namespace PipeScope::BottleneckFinder {

namespace {

constexpr double Mostly = 0.5;
constexpr double Saturated = 0.9; ///< share of a core at which one thread cannot go faster
/// Every stage moves the same bytes, so CPU shares compare CPU per byte. A stage using this
/// many times the CPU of every other one (and at least DominantFloor of a core) is the limit
/// even when a loaded machine gives it far less than a core: the load shrinks every share
/// alike, not their ratio.
constexpr double Dominant = 4.0;
constexpr double DominantFloor = 0.02; // 20 ms of CPU a second, measured to the ns

/// Fractions of the window's ticks, per stage and per pipe.
struct Shares
{
    QList<std::array<double, 9>> activity; ///< indexed by StageActivity
    QList<double> full;
    QList<double> empty;

    double of(int stage, StageActivity activity) const { return this->activity[stage][size_t(activity)]; }
};

Shares sharesOf(const QList<const TickRecord *> &window, int stages, int pipes)
{
    Shares shares;
    shares.activity.fill({}, stages);
    shares.full.fill(0, pipes);
    shares.empty.fill(0, pipes);
    QList<int> known(pipes, 0);
    const double step = 1.0 / double(window.size());
    for (const TickRecord *record : window) {
        for (int k = 0; k < stages && k < record->activities.size(); ++k)
            shares.activity[k][size_t(record->activities[k])] += step;
        for (int p = 0; p < pipes && p < record->fills.size(); ++p) {
            const double fill = record->fills[p];
            if (fill < 0)
                continue;
            ++known[p];
            shares.full[p] += fill >= 0.9 ? 1 : 0;
            shares.empty[p] += fill <= 0.1 ? 1 : 0;
        }
    }
    for (int p = 0; p < pipes; ++p) {
        shares.full[p] = known[p] ? shares.full[p] / known[p] : 0;
        shares.empty[p] = known[p] ? shares.empty[p] / known[p] : 0;
    }
    return shares;
}

bool isBalanced(const Shares &shares, int stages)
{
    for (int p = 0; p + 1 < stages; ++p) {
        if (shares.full[p] >= Mostly || shares.empty[p] >= Mostly)
            return false;
    }
    for (int k = 0; k < stages; ++k) {
        if (shares.of(k, StageActivity::BlockedReading) >= Mostly
            || shares.of(k, StageActivity::BlockedWriting) >= Mostly)
            return false;
    }
    return true;
}

double inputFull(const Shares &shares, int k)
{
    return k == 0 ? 1.0 : std::max(shares.full[k - 1], shares.of(k - 1, StageActivity::BlockedWriting));
}

double outputEmpty(const Shares &shares, int k, int stages)
{
    return k + 1 == stages ? 1.0 : std::max(shares.empty[k], shares.of(k + 1, StageActivity::BlockedReading));
}

/// The share of the window a stage spends on its own pace: on a CPU (measured, not "R": a
/// runnable task waiting for a CPU shows R too, and that wait is the machine's, or another
/// stage's on the same CPU) or asleep outside the pipes (a timer, poll, a disk, a stop).
/// Waiting on a pipe or for a CPU does not count.
double ownWork(const Shares &shares, int k, const StageInfo &stage)
{
    const double cpu = stage.cpu >= 0 ? std::min(1.0, stage.cpu) : shares.of(k, StageActivity::Running);
    return cpu + shares.of(k, StageActivity::Throttled) + shares.of(k, StageActivity::DiskWait)
            + shares.of(k, StageActivity::Stopped) + shares.of(k, StageActivity::Sleeping);
}

/// What the stage does with its time, by share of the window. Its R samples count as CPU only
/// up to the CPU share it was measured to use: the rest of R is waiting for a CPU (a loaded
/// machine catches a throttled `pv` or a sleeping sink runnable far more often than running).
BottleneckCause causeOf(const Shares &shares, int k, const StageInfo &stage)
{
    const auto share = [&](StageActivity activity) {
        const double samples = shares.of(k, activity);
        return activity == StageActivity::Running && stage.cpu >= 0 ? std::min(samples, stage.cpu) : samples;
    };
    const std::pair<StageActivity, BottleneckCause> candidates[] = {
        { StageActivity::Running, BottleneckCause::Cpu },
        { StageActivity::Throttled, BottleneckCause::Throttled },
        { StageActivity::DiskWait, BottleneckCause::Io },
        { StageActivity::Stopped, BottleneckCause::Stopped },
        { StageActivity::Sleeping, BottleneckCause::Waiting },
    };
    BottleneckCause cause = BottleneckCause::Waiting;
    double best = 0;
    for (const auto &[activity, candidate] : candidates) {
        if (share(activity) > best) {
            best = share(activity);
            cause = candidate;
        }
    }
    return cause;
}

QString causeWords(BottleneckCause cause, const StageInfo &stage)
{
    switch (cause) {
    case BottleneckCause::Cpu:
        return stage.runQueueWait > 0.2
                ? QStringLiteral("it computes (%1% of a core, and %2% of the time it waits for a CPU)")
                          .arg(qRound(stage.cpu * 100)).arg(qRound(stage.runQueueWait * 100))
                : QStringLiteral("it is CPU-bound (%1% of a core)").arg(qRound(stage.cpu * 100));
    case BottleneckCause::Throttled:
        return QStringLiteral("it limits its own pace (asleep in %1)")
                .arg(stage.wchan.isEmpty() ? QStringLiteral("poll or sleep") : stage.wchan);
    case BottleneckCause::Io:
        return QStringLiteral("it waits for a disk or file system (D state)");
    case BottleneckCause::Stopped:
        return QStringLiteral("it is stopped (SIGSTOP or job control; SIGCONT resumes it)");
    default:
        break;
    }
    return stage.wchan.isEmpty() ? QStringLiteral("it sleeps outside the pipes")
                                 : QStringLiteral("it sleeps in %1").arg(stage.wchan);
}

QString verdictText(const Shares &shares, int k, int stages, BottleneckCause cause, const StageInfo &stage)
{
    const QString input = k == 0 ? QStringLiteral("it is the first stage")
                                 : QStringLiteral("its input is backed up %1% of the time")
                                           .arg(qRound(inputFull(shares, k) * 100));
    const QString output = k + 1 == stages ? QStringLiteral("it is the last stage")
                                           : QStringLiteral("the next stage waits for data %1% of the time")
                                                     .arg(qRound(outputEmpty(shares, k, stages) * 100));
    return QStringLiteral("%1 (stage %2 of %3) holds the pipeline back: %4; %5, %6.")
            .arg(stage.command).arg(k + 1).arg(stages).arg(causeWords(cause, stage), input, output);
}

int dominantStage(const QList<StageInfo> &stages)
{
    if (stages.size() < 2)
        return -1;
    int top = 0;
    for (int k = 1; k < stages.size(); ++k)
        top = stages[k].cpu > stages[top].cpu ? k : top;
    if (stages[top].cpu < DominantFloor)
        return -1;
    for (int k = 0; k < stages.size(); ++k) {
        if (k != top && (stages[k].cpu < 0 || stages[k].cpu * Dominant > stages[top].cpu))
            return -1;
    }
    return top;
}

/// The stage that uses the largest measured share of a core, if that share is Saturated or
/// more. Such a stage cannot go faster, whatever the fill levels say; and they can say the
/// opposite: the meter samples when it runs, and on a CPU shared with a neighbour stage it runs
/// while that neighbour is preempted -- so the neighbour shows R, the pipe between it and the
/// saturated stage looks drained, and the neighbour looks like the one starving it. Else the
/// dominant stage (Dominant), if there is one.
int saturatedStage(const QList<StageInfo> &stages)
{
    int found = -1;
    double most = Saturated;
    for (int k = 0; k < stages.size(); ++k) {
        if (stages[k].cpu >= most) {
            most = stages[k].cpu;
            found = k;
        }
    }
    return found >= 0 ? found : dominantStage(stages);
}

int highestScore(const Shares &shares, const QList<StageInfo> &stages)
{
    const int count = int(stages.size());
    int found = -1;
    double best = -1;
    for (int k = 0; k < count; ++k) {
        if (shares.of(k, StageActivity::Exited) >= Mostly || shares.of(k, StageActivity::Unknown) >= Mostly)
            continue;
        const double score = inputFull(shares, k) + outputEmpty(shares, k, count) + ownWork(shares, k, stages[k]);
        if (score >= best) {
            best = score;
            found = k;
        }
    }
    return found;
}

} // namespace

Bottleneck find(const QList<const TickRecord *> &window, const QList<StageInfo> &stages)
{
    Bottleneck verdict;
    const int count = int(stages.size());
    if (window.isEmpty() || count == 0)
        return verdict;
    const Shares shares = sharesOf(window, count, count - 1);
    if (count > 1 && isBalanced(shares, count)) {
        verdict.cause = BottleneckCause::Balanced;
        verdict.text = QStringLiteral("balanced: no pipe stays full or empty and no stage waits on a pipe; "
                                      "the stages keep pace (or share a busy CPU)");
        return verdict;
    }
    const int saturated = saturatedStage(stages);
    verdict.stage = saturated >= 0 ? saturated : highestScore(shares, stages);
    if (verdict.stage < 0)
        return verdict;
    verdict.cause = saturated >= 0 ? BottleneckCause::Cpu : causeOf(shares, verdict.stage, stages[verdict.stage]);
    verdict.text = verdictText(shares, verdict.stage, count, verdict.cause, stages[verdict.stage]);
    return verdict;
}

} // namespace PipeScope::BottleneckFinder
