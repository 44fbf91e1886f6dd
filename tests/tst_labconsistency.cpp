// What the lab says matches what happened (issue 16, Lab): text sent into a FIFO still waiting
// for a reader is kept and written once a reader opens it (the timeline logged a write that
// never happened, and the bytes were dropped); and the kernel panel says which way a child is
// blocked, as the writer panel does (it called gzip, blocked reading, "blocked writing").
#include "testsupport.h"

#include "kernelpanel.h"

#include <pipescope/lab.h>
#include <pipescope/labchild.h>
#include <pipescope/labeventlog.h>
#include <pipescope/labpipe.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace PipeScope;

namespace {

QStringList eventsOf(const Lab &lab, const QString &end)
{
    lab.eventLog()->flush();
    QStringList events;
    for (const LabEvent &event : lab.eventLog()->entries()) {
        if (event.end == end)
            events << event.event + u' ' + event.detail;
    }
    return events;
}

LabPipe *pipeOfKind(const Lab &lab, LabChild *child, LabPipe::Kind kind)
{
    for (LabPipe *pipe : lab.pipesOf(child)) {
        if (pipe->kind() == kind)
            return pipe;
    }
    return nullptr;
}

} // namespace

class TestLabConsistency : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { std::signal(SIGPIPE, SIG_DFL); }
    void textForAWaitingFifoIsWrittenWhenItOpens();
    void aClosedWriterRefusesTextVisibly();
    void kernelPanelSaysWhichWayTheChildIsBlocked();
};

void TestLabConsistency::textForAWaitingFifoIsWrittenWhenItOpens()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("wait.fifo"));
    Lab lab;
    Error error;
    LabPipe *pipe = lab.addFifo(path, false, &error); // "Open a reader" unticked
    QVERIFY2(pipe, qPrintable(error.message()));
    QCOMPARE(pipe->writerState(), LabPipe::WriterState::WaitingForReader);
    const QByteArray text = "typed before cat ran\n";
    pipe->send(text);
    // Not written yet, and not logged as written: kept in user space, and counted there.
    QCOMPARE(pipe->bytesWritten(), qint64(0));
    QCOMPARE(pipe->snapshot().writeBufferSize, qint64(text.size()));
    const QStringList before = eventsOf(lab, QStringLiteral("writer"));
    QVERIFY2(before.filter(QStringLiteral("write ")).isEmpty(), qPrintable(before.join(u'\n')));
    QVERIFY2(!before.filter(QStringLiteral("queued 21 bytes kept until a reader opens")).isEmpty(),
             qPrintable(before.join(u'\n')));

    QProcess cat;
    cat.start(QStringLiteral("cat"), { path });
    QTRY_COMPARE_WITH_TIMEOUT(pipe->writerState(), LabPipe::WriterState::Writing, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(pipe->bytesWritten(), qint64(text.size()), 5000);
    pipe->writeEof();
    QVERIFY(cat.waitForFinished(5000));
    QCOMPARE(cat.readAllStandardOutput(), text);
    const QStringList after = eventsOf(lab, QStringLiteral("writer"));
    QVERIFY2(!after.filter(QStringLiteral("write 21 bytes")).isEmpty(), qPrintable(after.join(u'\n')));
    QCOMPARE(pipe->snapshot().writeBufferSize, qint64(0));
}

void TestLabConsistency::aClosedWriterRefusesTextVisibly()
{
    Lab lab;
    LabPipe *pipe = lab.addAnonymousPipe();
    QVERIFY(pipe);
    pipe->closeWriter();
    QTRY_COMPARE(pipe->writerState(), LabPipe::WriterState::Closed);
    pipe->send("too late");
    const QStringList events = eventsOf(lab, QStringLiteral("writer"));
    QVERIFY2(events.filter(QStringLiteral("write ")).isEmpty(), qPrintable(events.join(u'\n')));
    QVERIFY2(!events.filter(QStringLiteral("dropped 8 bytes not written: the writer is closed")).isEmpty(),
             qPrintable(events.join(u'\n')));
    QCOMPARE(pipe->bytesWritten(), qint64(0));
}

void TestLabConsistency::kernelPanelSaysWhichWayTheChildIsBlocked()
{
    // gzip with nothing sent sleeps in read() of its stdin.
    Lab lab;
    Error error;
    LabChild *gzip = lab.addChild(QStringLiteral("gzip -c"), &error);
    QVERIFY2(gzip, qPrintable(error.message()));
    LabPipe *out = pipeOfKind(lab, gzip, LabPipe::Kind::ChildStdout);
    LabPipe *in = pipeOfKind(lab, gzip, LabPipe::Kind::ChildStdin);
    QVERIFY(out && in);
    QTRY_VERIFY_WITH_TIMEOUT(out->snapshot().childBlocked, 5000);
    const LabPipeSnapshot stdoutPipe = out->snapshot();
    QVERIFY(!stdoutPipe.childBlockedWriting);
    QVERIFY2(stdoutPipe.childState.contains(QLatin1String("blocked reading")), qPrintable(stdoutPipe.childState));
    const QString outWarning = Ui::KernelPanel::warningFor(stdoutPipe);
    QCOMPARE(outWarning, QStringLiteral("gzip is blocked reading: its input pipe is empty, so it writes nothing here"));
    QCOMPARE(Ui::KernelPanel::warningFor(in->snapshot()), QStringLiteral("gzip is blocked reading: this pipe is empty"));

    // Blocked the other way: its stdout unread and full, gzip sleeps in write().
    out->pauseReading();
    const QByteArray noise = PipeScope::Test::randomBytes(4 * 1024 * 1024);
    in->send(noise);
    QTRY_VERIFY_WITH_TIMEOUT(out->snapshot().childBlockedWriting, 20000);
    QCOMPARE(Ui::KernelPanel::warningFor(out->snapshot()),
             QStringLiteral("gzip is blocked writing: nobody reads this pipe fast enough"));
    // (Its stdin pipe's panel speaks of our writer first: paused above the high-water mark.)
}

QTEST_MAIN(TestLabConsistency)
#include "tst_labconsistency.moc"
