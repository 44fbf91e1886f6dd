#include "stageactivitylook.h"

#include <QPalette>

namespace PipeScope::Ui {

QList<StageActivity> StageActivityLook::timelineActivities()
{
    using A = StageActivity;
    return { A::Running, A::BlockedReading, A::BlockedWriting, A::Throttled, A::Stopped, A::DiskWait, A::Sleeping };
}

StateLook StageActivityLook::look(StageActivity activity)
{
    using A = StageActivity;
    switch (activity) {
    case A::Running:
        return { QStringLiteral("reading"), QStringLiteral("running"),
                 QStringLiteral("On a CPU, or ready to run and waiting for one (state R).") };
    case A::BlockedReading:
        return { QStringLiteral("waiting"), QStringLiteral("blocked reading"),
                 QStringLiteral("Asleep in read(): its input pipe is empty, the stage before it "
                                "does not deliver fast enough.") };
    case A::BlockedWriting:
        return { QStringLiteral("blocked"), QStringLiteral("blocked writing"),
                 QStringLiteral("Asleep in write(): its output pipe is full, the stage after it "
                                "does not take the bytes fast enough (back-pressure).") };
    case A::Throttled:
        return { QStringLiteral("throttled"), QStringLiteral("throttled"),
                 QStringLiteral("Asleep in poll(), select() or nanosleep(): the stage limits its own "
                                "rate (like pv -L).") };
    case A::Stopped:
        return { QStringLiteral("paused"), QStringLiteral("stopped"),
                 QStringLiteral("Stopped by SIGSTOP (or job control): it does nothing until SIGCONT.") };
    case A::DiskWait:
        return { QStringLiteral("process"), QStringLiteral("disk I/O"),
                 QStringLiteral("In uninterruptible sleep (state D): waiting for a disk or a "
                                "network file system.") };
    case A::Sleeping:
        return { QStringLiteral("process"), QStringLiteral("sleeping"),
                 QStringLiteral("Asleep somewhere else than a pipe (a lock, a child, a socket); the "
                                "kernel function is in the tooltip of its box.") };
    case A::Exited:
        return { QStringLiteral("closed"), QStringLiteral("exited"),
                 QStringLiteral("The process has ended.") };
    case A::Unknown:
        break;
    }
    return { QStringLiteral("notopen"), QStringLiteral("unknown"),
             QStringLiteral("Not sampled yet, or /proc does not let us read this process.") };
}

QColor StageActivityLook::color(StageActivity activity)
{
    // The hues of the state icons (resources/icons/svg), so a band matches its stage's badge.
    using A = StageActivity;
    switch (activity) {
    case A::Running:
        return QColor(0x2e, 0x7d, 0x32);
    case A::BlockedReading:
        return QColor(0x6a, 0x1b, 0x9a);
    case A::BlockedWriting:
        return QColor(0xc6, 0x28, 0x28);
    case A::Throttled:
    case A::Stopped:
        return QColor(0xe6, 0x7e, 0x00);
    case A::DiskWait:
        return QColor(0x15, 0x65, 0xc0);
    case A::Sleeping:
    case A::Exited:
    case A::Unknown:
        break;
    }
    return QColor(0x75, 0x75, 0x75);
}

QColor StageActivityLook::background(StageActivity activity, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor hue = color(activity);
    constexpr double Weight = 0.35;
    return QColor::fromRgbF(float(base.redF() * (1 - Weight) + hue.redF() * Weight),
                            float(base.greenF() * (1 - Weight) + hue.greenF() * Weight),
                            float(base.blueF() * (1 - Weight) + hue.blueF() * Weight));
}

QBrush StageActivityLook::pattern(StageActivity activity)
{
    using A = StageActivity;
    const QColor hue = color(activity);
    switch (activity) {
    case A::Running:
        return QBrush(hue, Qt::SolidPattern);
    case A::BlockedReading:
        return QBrush(hue, Qt::Dense6Pattern);
    case A::BlockedWriting:
        return QBrush(hue, Qt::BDiagPattern);
    case A::Throttled:
        return QBrush(hue, Qt::VerPattern);
    case A::Stopped:
        return QBrush(hue, Qt::DiagCrossPattern);
    case A::DiskWait:
        return QBrush(hue, Qt::HorPattern);
    case A::Sleeping:
        return QBrush(hue, Qt::Dense7Pattern);
    case A::Exited:
    case A::Unknown:
        break;
    }
    return QBrush(Qt::NoBrush);
}

StateLook StageActivityLook::bottleneck(const Bottleneck &bottleneck, const QString &command)
{
    using C = BottleneckCause;
    const QString who = QStringLiteral("Bottleneck: %1 (stage %2) — ").arg(command).arg(bottleneck.stage + 1);
    switch (bottleneck.cause) {
    case C::Cpu:
        return { QStringLiteral("process"), who + QStringLiteral("CPU-bound"), bottleneck.text };
    case C::Throttled:
        return { QStringLiteral("throttled"), who + QStringLiteral("throttled"), bottleneck.text };
    case C::Io:
        return { QStringLiteral("waiting"), who + QStringLiteral("waiting for disk I/O"), bottleneck.text };
    case C::Stopped:
        return { QStringLiteral("paused"), who + QStringLiteral("stopped"), bottleneck.text };
    case C::Waiting:
        return { QStringLiteral("waiting"), who + QStringLiteral("waiting"), bottleneck.text };
    case C::Balanced:
        return { QStringLiteral("reading"), QStringLiteral("Balanced: no stage holds the others back"),
                 bottleneck.text };
    case C::Unknown:
        break;
    }
    return { QStringLiteral("notopen"), QStringLiteral("Measuring…"),
             QStringLiteral("The bottleneck is judged over windows of 1–2 s: the first one is not full yet.") };
}

} // namespace PipeScope::Ui
