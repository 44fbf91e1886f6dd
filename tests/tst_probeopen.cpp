// inspect PATH --open-anyway (PipeProbe::forFifo) never opens what is swapped in at the path
// (issue 17 item 6): with stat() then open() on the path, 25 of 100 runs as root opened a
// root-only file that replaced the FIFO in between. The path is now looked up with O_PATH and
// only the FIFO that lookup found is opened. inotify's IN_OPEN tells whether a file was opened
// (an O_PATH lookup is not an open and raises no IN_OPEN).
#include "testsupport.h"

#include <pipescope/pipeprobe.h>
#include <pipescope/sys.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cerrno>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace PipeScope;

namespace {

QByteArray native(const QString &path)
{
    return QFile::encodeName(path);
}

/// IN_OPEN events queued on \a inotifyFd.
int opensReported(int inotifyFd)
{
    int opens = 0;
    alignas(inotify_event) char buffer[4096];
    for (;;) {
        const ssize_t n = Sys::read(inotifyFd, buffer, sizeof buffer);
        if (n <= 0)
            return opens;
        for (ssize_t at = 0; at < n;) {
            const auto *event = reinterpret_cast<const inotify_event *>(buffer + at);
            opens += (event->mask & IN_OPEN) ? 1 : 0;
            at += ssize_t(sizeof(inotify_event) + event->len);
        }
    }
}

} // namespace

class TestProbeOpen : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aFileSwappedInForTheFifoIsNeverOpened();
    void aSymlinkIsNotFollowed();
};

void TestProbeOpen::aFileSwappedInForTheFifoIsNeverOpened()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    const QString secret = dir.filePath(QStringLiteral("secret"));
    const QString target = dir.filePath(QStringLiteral("target"));
    QVERIFY(::mkfifo(native(fifo).constData(), 0600) == 0);
    QFile file(secret);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("root only\n");
    file.close();
    QVERIFY(::chmod(native(secret).constData(), 0600) == 0);
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    QVERIFY(watch >= 0);
    QVERIFY(::inotify_add_watch(watch, native(secret).constData(), IN_OPEN) >= 0);

    // The target flips between the FIFO and the secret file, each time by an atomic rename.
    std::atomic<bool> stop { false };
    std::thread swapper([&] {
        const QByteArray to = native(target), spare = native(dir.filePath(QStringLiteral("spare")));
        const QByteArray sources[2] = { native(fifo), native(secret) };
        for (int i = 0; !stop; ++i) {
            ::unlink(spare.constData());
            if (::link(sources[i % 2].constData(), spare.constData()) == 0)
                ::rename(spare.constData(), to.constData());
        }
    });
    // The window between a stat() and an open() of the path is a few microseconds: probe for
    // a few seconds to hit it many times.
    int sampled = 0, refused = 0;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 3000) {
        const PipeSample sample = PipeProbe::forFifo(target).sample();
        sampled += sample.ok ? 1 : 0;
        refused += sample.ok ? 0 : 1;
        // Refused either way; what must not have happened is the open (counted below).
        if (!sample.ok && sample.error.code() != ENOENT)
            QVERIFY2(sample.error.message().contains(QLatin1String("is not a FIFO (regular file)"))
                             || sample.error.message().contains(QLatin1String("changed while it was probed")),
                     qPrintable(sample.error.message()));
    }
    stop = true;
    swapper.join();
    qInfo("%d samples of the FIFO, %d refusals of the file", sampled, refused);
    QVERIFY2(sampled > 0 && refused > 0, "the swap raced with the probe both ways");
    QCOMPARE(opensReported(watch), 0);
    // The watch works: an open is reported.
    QVERIFY(file.open(QIODevice::ReadOnly));
    file.close();
    QCOMPARE(opensReported(watch), 1);
    Sys::close(watch);
}

void TestProbeOpen::aSymlinkIsNotFollowed()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("fifo"));
    const QString link = dir.filePath(QStringLiteral("link"));
    QVERIFY(::mkfifo(native(fifo).constData(), 0600) == 0);
    QVERIFY(::symlink(native(fifo).constData(), native(link).constData()) == 0);
    QVERIFY(PipeProbe::forFifo(fifo).sample().ok);
    const PipeSample sample = PipeProbe::forFifo(link).sample();
    QVERIFY(!sample.ok);
    QVERIFY2(sample.error.message().contains(QLatin1String("is not a FIFO (symbolic link, not followed)")),
             qPrintable(sample.error.message()));
}

QTEST_GUILESS_MAIN(TestProbeOpen)
#include "tst_probeopen.moc"
