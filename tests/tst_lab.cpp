// The Lab on real child processes (cat, gzip): their stdin/stdout as lab pipes, their /proc
// state when a pipe stalls them, bad command lines, and the saved-lab round trip.
#include "testsupport.h"

#include <pipescope/lab.h>
#include <pipescope/labchild.h>
#include <pipescope/labeventlog.h>
#include <pipescope/labgenerator.h>
#include <pipescope/labjson.h>
#include <pipescope/labpipe.h>
#include <pipescope/labprocstate.h>
#include <pipescope/labslowconsumer.h>
#include <pipescope/writepipetransport.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace PipeScope;

class TestLab : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void procStateParse_data();
    void procStateParse();
    void childCatEchoesStdinToStdout();
    void childStderrAsAThirdPipe();
    void childStderrMergedIntoStdout();
    void childStderrModeIsSavedAndLoaded();
    void pausedStdoutStallsGzipThenFillsItsStdin();
    void childThatDoesNotExist_data();
    void childThatDoesNotExist();
    void childExitIsReported();
    void removingAChildPipeEndsTheChild();
    void saveLoadRoundTrip();
    void loadErrors_data();
    void loadErrors();
    void demoPipeFlows();
};

namespace {

LabPipe *pipeOfKind(const Lab &lab, LabChild *child, LabPipe::Kind kind)
{
    for (LabPipe *pipe : lab.pipesOf(child)) {
        if (pipe->kind() == kind)
            return pipe;
    }
    return nullptr;
}

bool processExists(pid_t pid)
{
    return ::kill(pid, 0) == 0;
}

} // namespace

void TestLab::initTestCase()
{
    // Qt Test installs a crash handler for SIGPIPE; a real program starts with SIG_DFL, and
    // the transports must make a reader that went away an EPIPE, not a dead process.
    std::signal(SIGPIPE, SIG_DFL);
}

void TestLab::procStateParse_data()
{
    QTest::addColumn<QByteArray>("stat");
    QTest::addColumn<QByteArray>("wchan");
    QTest::addColumn<int>("activity");
    QTest::addColumn<QString>("name");
    using A = LabProcState::Activity;
    QTest::newRow("writer blocked 6.18") << QByteArray("812 (gzip) S 1 812 ...") << QByteArray("anon_pipe_write")
                                         << int(A::BlockedWriting) << QStringLiteral("gzip");
    QTest::newRow("reader blocked old kernel") << QByteArray("9 (cat) S 1 9 9") << QByteArray("pipe_read\n")
                                               << int(A::BlockedReading) << QStringLiteral("cat");
    QTest::newRow("fifo open") << QByteArray("9 (cat) S 1") << QByteArray("wait_for_partner")
                               << int(A::WaitingForPartner) << QStringLiteral("cat");
    QTest::newRow("running") << QByteArray("7 (yes) R 1") << QByteArray("0") << int(A::Running) << QStringLiteral("yes");
    QTest::newRow("sleeping") << QByteArray("7 (sleep) S 1") << QByteArray("hrtimer_nanosleep")
                              << int(A::Sleeping) << QStringLiteral("sleep");
    QTest::newRow("stopped") << QByteArray("7 (cat) T 1") << QByteArray("do_signal_stop") << int(A::Stopped) << QStringLiteral("cat");
    QTest::newRow("zombie") << QByteArray("7 (cat) Z 1") << QByteArray("0") << int(A::Zombie) << QStringLiteral("cat");
    QTest::newRow("awkward name") << QByteArray("7 (a) R (b) S 1") << QByteArray("anon_pipe_read")
                                  << int(A::BlockedReading) << QStringLiteral("a) R (b");
    QTest::newRow("empty") << QByteArray() << QByteArray() << int(A::Unknown) << QString();
    QTest::newRow("truncated") << QByteArray("7 (cat)") << QByteArray() << int(A::Unknown) << QString();
}

void TestLab::procStateParse()
{
    QFETCH(QByteArray, stat);
    QFETCH(QByteArray, wchan);
    QFETCH(int, activity);
    QFETCH(QString, name);
    const LabProcState state = LabProcState::parse(stat, wchan);
    QCOMPARE(int(state.activity()), activity);
    QCOMPARE(state.name(), name);
    QVERIFY(!state.text().isEmpty());
}

void TestLab::childCatEchoesStdinToStdout()
{
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("cat"), &error);
    QVERIFY2(child, qPrintable(error.message()));
    QCOMPARE(lab.pipes().size(), 2);
    LabPipe *in = pipeOfKind(lab, child, LabPipe::Kind::ChildStdin);
    LabPipe *out = pipeOfKind(lab, child, LabPipe::Kind::ChildStdout);
    QVERIFY(in && out);
    QCOMPARE(in->name(), QStringLiteral("cat stdin"));
    QVERIFY(!in->reader());
    QVERIFY(!out->writer());
    const QByteArray data = Test::randomBytes(300000, 5);
    in->send(data);
    in->writeEof();
    QTRY_COMPARE(out->bytesRead(), quint64(data.size()));
    QCOMPARE(out->receivedTail(), data.right(LabPipe::ReceivedTailSize));
    QTRY_COMPARE(out->readerState(), LabPipe::ReaderState::Eof);
    QTRY_VERIFY(!child->isRunning());
    QCOMPARE(child->stateText(), QStringLiteral("exited with status 0"));
    const LabPipeSnapshot s = out->snapshot();
    QCOMPARE(s.writerState, LabPipe::WriterState::External);
    QCOMPARE(s.bytesWritten, qint64(-1));
    QVERIFY(!s.childRunning);
}

void TestLab::childStderrAsAThirdPipe()
{
    // What a program says on stderr arrives in the lab, apart from its output.
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("sh -c 'cat; echo complaint >&2'"), ChildProcess::Stream::Pipe, &error);
    QVERIFY2(child, qPrintable(error.message()));
    QCOMPARE(lab.pipes().size(), 3);
    LabPipe *in = pipeOfKind(lab, child, LabPipe::Kind::ChildStdin);
    LabPipe *out = pipeOfKind(lab, child, LabPipe::Kind::ChildStdout);
    LabPipe *err = pipeOfKind(lab, child, LabPipe::Kind::ChildStderr);
    QVERIFY(in && out && err);
    QCOMPARE(err->name(), QStringLiteral("sh stderr"));
    QVERIFY(!err->writer());
    in->send(QByteArrayLiteral("data\n"));
    in->writeEof();
    QTRY_COMPARE(err->receivedTail(), QByteArrayLiteral("complaint\n"));
    QTRY_COMPARE(out->receivedTail(), QByteArrayLiteral("data\n"));
    QTRY_COMPARE(err->readerState(), LabPipe::ReaderState::Eof);
    QTRY_VERIFY(!child->isRunning());
    lab.removePipe(err->id()); // a child's pipe takes the child and all its pipes with it
    QCOMPARE(lab.pipes().size(), 0);
}

void TestLab::childStderrMergedIntoStdout()
{
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("sh -c 'echo one; echo two >&2; echo three'"),
                                   ChildProcess::Stream::MergeWithStdout, &error);
    QVERIFY2(child, qPrintable(error.message()));
    QCOMPARE(lab.pipes().size(), 2);
    LabPipe *out = pipeOfKind(lab, child, LabPipe::Kind::ChildStdout);
    QTRY_COMPARE(out->readerState(), LabPipe::ReaderState::Eof);
    QCOMPARE(out->receivedTail(), QByteArrayLiteral("one\ntwo\nthree\n"));
}

void TestLab::childStderrModeIsSavedAndLoaded()
{
    QJsonObject saved;
    {
        Lab lab;
        Error error;
        QVERIFY2(lab.addChild(QStringLiteral("cat"), ChildProcess::Stream::Pipe, &error), qPrintable(error.message()));
        QVERIFY2(lab.addChild(QStringLiteral("tr a b"), ChildProcess::Stream::MergeWithStdout, &error), qPrintable(error.message()));
        QVERIFY2(lab.addChild(QStringLiteral("sha256sum"), &error), qPrintable(error.message()));
        saved = lab.toJson();
    }
    const QJsonArray children = saved.value(QStringLiteral("children")).toArray();
    QCOMPARE(children.at(0).toObject().value(QStringLiteral("stderr")).toString(), QStringLiteral("pipe"));
    QVERIFY(children.at(0).toObject().value(QStringLiteral("stderrPipe")).isObject());
    QCOMPARE(children.at(1).toObject().value(QStringLiteral("stderr")).toString(), QStringLiteral("stdout"));
    QVERIFY(!children.at(2).toObject().contains(QStringLiteral("stderr"))); // the terminal, as before
    Lab loaded;
    Error error;
    QVERIFY2(loaded.fromJson(saved, &error), qPrintable(error.message()));
    QCOMPARE(loaded.children().size(), 3);
    QCOMPARE(loaded.children().at(0)->stderrMode(), ChildProcess::Stream::Pipe);
    QVERIFY(pipeOfKind(loaded, loaded.children().at(0), LabPipe::Kind::ChildStderr));
    QCOMPARE(loaded.children().at(1)->stderrMode(), ChildProcess::Stream::MergeWithStdout);
    QCOMPARE(loaded.children().at(2)->stderrMode(), ChildProcess::Stream::Inherit);
    QCOMPARE(loaded.pipes().size(), 7);
}

void TestLab::pausedStdoutStallsGzipThenFillsItsStdin()
{
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("gzip -c -1"), &error);
    QVERIFY2(child, qPrintable(error.message()));
    LabPipe *in = pipeOfKind(lab, child, LabPipe::Kind::ChildStdin);
    LabPipe *out = pipeOfKind(lab, child, LabPipe::Kind::ChildStdout);
    out->pauseReading();
    // Incompressible data, so gzip's output fills its stdout pipe.
    in->generator()->setPattern(LabGenerator::Pattern::Random);
    in->generator()->setRate(0);
    in->generator()->setChunkSize(4096);
    in->generator()->start();
    QTRY_COMPARE_WITH_TIMEOUT(child->procState().activity(), LabProcState::Activity::BlockedWriting, 10000);
    QVERIFY(out->snapshot().childBlocked);
    QVERIFY(out->snapshot().childState.contains(QStringLiteral("blocked writing")));
    // gzip takes a few hundred KiB before its output blocks it for good; until then the writer
    // pauses and resumes. The steady state: both pipes full and the writer paused (the
    // generator tops the transport's buffer up past the high-water mark on its next tick).
    const auto stalled = [&] {
        return in->writerState() == LabPipe::WriterState::WritingPaused
                && in->snapshot().queued == in->snapshot().capacity
                && out->snapshot().queued == out->snapshot().capacity;
    };
    QTRY_VERIFY_WITH_TIMEOUT(stalled(), 10000);
    QCOMPARE(out->bytesRead(), quint64(0));
    QCOMPARE(in->snapshot().capacity, 65536);
    // Reading again unblocks gzip, which drains its stdin.
    out->resumeReading();
    in->generator()->stop();
    in->writeEof();
    QTRY_VERIFY_WITH_TIMEOUT(!child->isRunning(), 10000);
    QTRY_COMPARE(out->readerState(), LabPipe::ReaderState::Eof);
    QVERIFY(out->bytesRead() > 0);
}

void TestLab::childThatDoesNotExist_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("missing program") << QStringLiteral("no-such-command-xyz --flag") << QStringLiteral("no-such-command-xyz");
    QTest::newRow("empty") << QStringLiteral("   ") << QStringLiteral("empty");
}

void TestLab::childThatDoesNotExist()
{
    QFETCH(QString, command);
    QFETCH(QString, errorPart);
    Lab lab;
    Error error;
    QVERIFY(!lab.addChild(command, &error));
    QVERIFY2(error.message().contains(errorPart), qPrintable(error.message()));
    QVERIFY(lab.pipes().isEmpty());
    QVERIFY(lab.children().isEmpty());
}

void TestLab::childExitIsReported()
{
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("sh -c 'exit 3'"), &error);
    QVERIFY2(child, qPrintable(error.message()));
    QTRY_VERIFY(!child->isRunning());
    QCOMPARE(child->stateText(), QStringLiteral("exited with status 3"));
    const auto &entries = lab.eventLog()->entries();
    QTRY_VERIFY(std::any_of(entries.begin(), entries.end(), [](const LabEvent &e) {
        return e.end == u"child" && e.event == u"finished" && e.detail.contains(QStringLiteral("3"));
    }));
}

void TestLab::removingAChildPipeEndsTheChild()
{
    Lab lab;
    Error error;
    LabChild *child = lab.addChild(QStringLiteral("cat"), &error);
    QVERIFY2(child, qPrintable(error.message()));
    const pid_t pid = child->pid();
    QVERIFY(processExists(pid));
    QSignalSpy removed(&lab, &Lab::pipeRemoved);
    QVERIFY(removed.isValid());
    lab.removePipe(lab.pipes().constFirst()->id());
    QCOMPARE(removed.size(), 2);
    QVERIFY(lab.pipes().isEmpty());
    QVERIFY(lab.children().isEmpty());
    // Deleted from the event loop: SIGKILL and reaped, so no zombie is left behind.
    QTRY_VERIFY(!processExists(pid));
}

void TestLab::saveLoadRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("lab.json"));
    const QString fifo = dir.filePath(QStringLiteral("demo.fifo"));
    Error error;
    {
        Lab lab;
        LabPipe *pipe = lab.addAnonymousPipe(QStringLiteral("teaching"));
        QVERIFY(pipe->setCapacity(16384, &error));
        QVERIFY(pipe->setWriteBufferLimits(8192, 1024, &error));
        pipe->generator()->setRate(4096);
        pipe->generator()->setChunkSize(100);
        pipe->generator()->setPattern(LabGenerator::Pattern::Random);
        pipe->generator()->start();
        pipe->slowConsumer()->setMaxRate(1000);
        pipe->pauseReading();
        QVERIFY(lab.addFifo(fifo, true, &error));
        LabChild *child = lab.addChild(QStringLiteral("gzip -c"), &error);
        QVERIFY2(child, qPrintable(error.message()));
        pipeOfKind(lab, child, LabPipe::Kind::ChildStdout)->slowConsumer()->setMaxRate(2048);
        QVERIFY2(lab.save(path, &error), qPrintable(error.message()));
    }
    Lab lab;
    QVERIFY2(lab.load(path, &error), qPrintable(error.message()));
    QCOMPARE(lab.pipes().size(), 4);
    QCOMPARE(lab.children().size(), 1);
    LabPipe *pipe = lab.pipes().at(0);
    QCOMPARE(pipe->name(), QStringLiteral("teaching"));
    QCOMPARE(pipe->snapshot().capacity, qint64(16384));
    QCOMPARE(pipe->writer()->writeBufferLimits(), qMakePair(qsizetype(1024), qsizetype(8192)));
    QCOMPARE(pipe->generator()->rate(), qint64(4096));
    QCOMPARE(pipe->generator()->chunkSize(), 100);
    QCOMPARE(pipe->generator()->pattern(), LabGenerator::Pattern::Random);
    QVERIFY(pipe->generator()->isRunning());
    QCOMPARE(pipe->slowConsumer()->maxRate(), qint64(1000));
    QVERIFY(pipe->isPausedByUser());
    QCOMPARE(lab.pipes().at(1)->kind(), LabPipe::Kind::Fifo);
    QCOMPARE(lab.pipes().at(1)->fifoPath(), fifo);
    QCOMPARE(lab.children().constFirst()->commandLine(), QStringLiteral("gzip -c"));
    LabPipe *out = pipeOfKind(lab, lab.children().constFirst(), LabPipe::Kind::ChildStdout);
    QCOMPARE(out->slowConsumer()->maxRate(), qint64(2048));
    // Saving the loaded lab gives the same description.
    const QJsonObject again = lab.toJson();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(again, QJsonDocument::fromJson(file.readAll()).object());
}

void TestLab::loadErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("not json") << QByteArray("{ nope") << QStringLiteral("not a lab file");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
    QTest::newRow("other json") << QByteArray("{\"a\": 1}") << QStringLiteral("not a PipeScope lab file");
    QTest::newRow("future version") << QByteArray("{\"format\": \"pipescope-lab\", \"version\": 99}")
                                    << QStringLiteral("version 99");
    QTest::newRow("bad child") << QByteArray("{\"format\": \"pipescope-lab\", \"version\": 1, "
                                             "\"pipes\": [{\"kind\": \"pipe\", \"name\": \"ok\"}], "
                                             "\"children\": [{\"command\": \"no-such-command-xyz\"}]}")
                               << QStringLiteral("no-such-command-xyz");
}

void TestLab::loadErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, errorPart);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lab.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    Lab lab;
    Error error;
    QVERIFY(!lab.load(path, &error));
    QVERIFY2(error.message().contains(errorPart), qPrintable(error.message()));
    QVERIFY(!lab.load(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY2(error.message().contains(QStringLiteral("missing.json")), qPrintable(error.message()));
}

void TestLab::demoPipeFlows()
{
    Lab lab;
    LabPipe *demo = lab.addDemoPipe();
    QVERIFY(demo);
    QVERIFY(demo->generator()->isRunning());
    QTRY_VERIFY(demo->bytesRead() > 1000);
    QVERIFY(demo->receivedTail().contains("the quick brown fox"));
}

QTEST_GUILESS_MAIN(TestLab)
#include "tst_lab.moc"
