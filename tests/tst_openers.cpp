// Functional tests of the ways to get a transport's fd: anonymous pipes, FIFOs (reader first,
// writer first with FifoWriterOpener waiting for a reader, cancel, errors) and a child
// process's stdin/stdout (ChildProcess), on real FIFOs and real processes. Scenarios 35 and
// 36 of docs/transport-contract.md (Scenarios) live here.
#include "transporttesting.h"

#include <pipescope/childprocess.h>
#include <pipescope/fd.h>
#include <pipescope/fifowriteropener.h>
#include <pipescope/pipeopeners.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/sys.h>
#include <pipescope/writepipetransport.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

QStringList seq(const char *csv)
{
    return QString::fromLatin1(csv).split(u',');
}

#define VERIFY_LIFECYCLE(rec) \
    QVERIFY2((rec).lifecycleProblem().isEmpty(), qPrintable((rec).lifecycleProblem()))

bool hasFlags(int fd, int statusFlags, int fdFlags)
{
    const int fl = ::fcntl(fd, F_GETFL);
    const int fdfl = ::fcntl(fd, F_GETFD);
    return fl != -1 && fdfl != -1 && (fl & statusFlags) == statusFlags
            && (fdfl & fdFlags) == fdFlags;
}

int accessMode(int fd)
{
    return ::fcntl(fd, F_GETFL) & O_ACCMODE;
}

ino_t inodeOf(int fd)
{
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

} // namespace

class TestOpeners : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void anonymousPipeIsCloexec();
    void openAnonymousPipeEndToEnd();
    void makeFifoCreatesAcceptsExistingRefusesOther();
    void s35_fifoWriterFirstNonBlockingOpenIsEnxio();
    void fifoReaderFirstWriterConnectsAtOnce();
    void fifoWriterFirstWaitsForReaderThenConnects();
    void s36_fifoReaderWithoutWriterNoEofThenData();
    void fifoWriterCancel();
    void fifoWriterCancelWhenNotWaitingIsSilent();
    void fifoWriterDestroyedWhileWaiting();
    void fifoWriterFailsWhenFifoRemovedWhileWaiting();
    void fifoErrors_data();
    void fifoErrors();
    void childCatEchoesAllBytes();
    void childMissingCommandIsAnError();
    void childKilledMidStream();
    void childExitStatus_data();
    void childExitStatus();
    void childGetsOnlyItsOwnEnds();
    void childDoesNotInheritLeakedFds();
    void childDiesOfSigpipeWhenItsReaderLeaves();
    void childDestructorKillsAndReaps();

private:
    QString fifoPath(const QString &name);
    QTemporaryDir m_dir;
};

void TestOpeners::initTestCase()
{
    std::signal(SIGPIPE, SIG_DFL); // as any C++ program starts; the transports handle it
    QVERIFY(m_dir.isValid());
}

void TestOpeners::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSocketNotifier")));
}

QString TestOpeners::fifoPath(const QString &name)
{
    const QString path = m_dir.filePath(name);
    Error error;
    if (!Openers::makeFifo(path, &error))
        qWarning("makeFifo: %s", qPrintable(error.message()));
    return path;
}

void TestOpeners::anonymousPipeIsCloexec()
{
    Error error;
    const std::optional<PipeFds> fds = Openers::anonymousPipe(&error);
    QVERIFY2(fds, qPrintable(error.message()));
    Fd r(fds->read), w(fds->write);
    QVERIFY(hasFlags(r.get(), 0, FD_CLOEXEC));
    QVERIFY(hasFlags(w.get(), 0, FD_CLOEXEC));
    QCOMPARE(accessMode(r.get()), O_RDONLY);
    QCOMPARE(accessMode(w.get()), O_WRONLY);
    QCOMPARE(inodeOf(r.get()), inodeOf(w.get()));
}

void TestOpeners::openAnonymousPipeEndToEnd()
{
    const int before = openFdCount();
    {
        ReadPipeTransport reader;
        WritePipeTransport writer;
        TransportRecorder rrec(&reader), wrec(&writer);
        Error error;
        QVERIFY2(Openers::openAnonymousPipe(&reader, &writer, &error), qPrintable(error.message()));
        QCOMPARE(openFdCount(), before + 2);
        const QByteArray payload = randomBytes(300000, 5);
        writer.write(payload);
        writer.writeEof();
        QTRY_VERIFY(rrec.isLost());
        QTRY_VERIFY(wrec.isLost());
        QCOMPARE(sha256(rrec.data), sha256(payload));
        QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
        VERIFY_LIFECYCLE(wrec);
    }
    QCOMPARE(openFdCount(), before);
}

void TestOpeners::makeFifoCreatesAcceptsExistingRefusesOther()
{
    const QString path = m_dir.filePath(QStringLiteral("made.fifo"));
    Error error;
    QVERIFY2(Openers::makeFifo(path, &error), qPrintable(error.message()));
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode));
    QCOMPARE(int(st.st_mode & 0777), 0600);
    QVERIFY2(Openers::makeFifo(path, &error), qPrintable(error.message())); // an existing FIFO is fine

    const QString file = m_dir.filePath(QStringLiteral("plain"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    QVERIFY(!Openers::makeFifo(file, &error));
    QVERIFY2(error.message().contains(file) && error.message().contains(QLatin1String("not a FIFO")), qPrintable(error.message()));

    QVERIFY(!Openers::makeFifo(m_dir.filePath(QStringLiteral("no/such/dir/f")), &error));
    QVERIFY2(error.message().contains(QString::fromLocal8Bit(std::strerror(ENOENT))), qPrintable(error.message()));
}

void TestOpeners::s35_fifoWriterFirstNonBlockingOpenIsEnxio()
{
    const QString path = fifoPath(QStringLiteral("s35.fifo"));
    errno = 0;
    const int fd = Sys::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK);
    QCOMPARE(fd, -1);
    QCOMPARE(errno, ENXIO); // so no transport is ever made on it

    // FifoWriterOpener turns that into waiting, without a transport and without an fd.
    const int before = openFdCount();
    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QVERIFY(waiting.isValid() && connected.isValid());
    QVERIFY(opener.start(path));
    QTRY_COMPARE(waiting.count(), 1);
    QCOMPARE(connected.count(), 0);
    QCOMPARE(openFdCount(), before);
    opener.cancel();
}

void TestOpeners::fifoReaderFirstWriterConnectsAtOnce()
{
    const QString path = fifoPath(QStringLiteral("readerfirst.fifo"));
    Error error;
    const int rfd = Openers::openFifoReader(path, &error);
    QVERIFY2(rfd >= 0, qPrintable(error.message()));
    QVERIFY(hasFlags(rfd, O_NONBLOCK, FD_CLOEXEC));
    QCOMPARE(accessMode(rfd), O_RDONLY);

    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QVERIFY(opener.start(path));
    QCOMPARE(connected.count(), 0); // never inside start()
    QTRY_COMPARE(connected.count(), 1);
    QCOMPARE(waiting.count(), 0); // a reader was there: no waiting
    QVERIFY(!opener.isWaiting());
    const int wfd = connected.at(0).at(0).toInt();
    QVERIFY(hasFlags(wfd, O_NONBLOCK, FD_CLOEXEC));
    QCOMPARE(accessMode(wfd), O_WRONLY);
    QCOMPARE(inodeOf(wfd), inodeOf(rfd));

    ReadPipeTransport reader;
    WritePipeTransport writer;
    TransportRecorder rrec(&reader), wrec(&writer);
    QVERIFY(reader.open(rfd));
    QVERIFY(writer.open(wfd));
    const QByteArray payload = randomBytes(200000, 7);
    writer.write(payload);
    writer.writeEof();
    QTRY_VERIFY(rrec.isLost());
    QCOMPARE(rrec.data, payload);
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QTRY_VERIFY(wrec.isLost());
    QCOMPARE(wrec.lostError, 0);
}

void TestOpeners::fifoWriterFirstWaitsForReaderThenConnects()
{
    const QString path = fifoPath(QStringLiteral("writerfirst.fifo"));
    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QSignalSpy failed(&opener, &FifoWriterOpener::failed);
    QVERIFY(waiting.isValid() && connected.isValid() && failed.isValid());
    QVERIFY(opener.start(path));
    QVERIFY(opener.isWaiting());
    QCOMPARE(opener.path(), path);
    QCOMPARE(waiting.count(), 0); // from the event loop, not inside start()
    QTRY_COMPARE(waiting.count(), 1);
    QTest::qWait(150); // several retries
    QCOMPARE(waiting.count(), 1); // announced once
    QCOMPARE(connected.count(), 0);
    QVERIFY(opener.isWaiting());

    Error error;
    const int rfd = Openers::openFifoReader(path, &error);
    QVERIFY2(rfd >= 0, qPrintable(error.message()));
    QTRY_COMPARE(connected.count(), 1);
    QVERIFY(!opener.isWaiting());
    QCOMPARE(failed.count(), 0);
    const int wfd = connected.at(0).at(0).toInt();
    QCOMPARE(accessMode(wfd), O_WRONLY);
    QVERIFY(hasFlags(wfd, O_NONBLOCK, FD_CLOEXEC));

    ReadPipeTransport reader;
    WritePipeTransport writer;
    TransportRecorder rrec(&reader), wrec(&writer);
    QVERIFY(reader.open(rfd));
    QVERIFY(writer.open(wfd));
    writer.write("through the fifo");
    writer.writeEof();
    QTRY_VERIFY(rrec.isLost());
    QCOMPARE(rrec.data, QByteArray("through the fifo"));
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QTest::qWait(50);
    QCOMPARE(connected.count(), 1); // no second connection once connected
}

void TestOpeners::s36_fifoReaderWithoutWriterNoEofThenData()
{
    const QString path = fifoPath(QStringLiteral("s36.fifo"));
    Error error;
    const int rfd = Openers::openFifoReader(path, &error);
    QVERIFY2(rfd >= 0, qPrintable(error.message()));
    ReadPipeTransport reader;
    TransportRecorder rrec(&reader);
    QVERIFY(reader.open(rfd));
    QTest::qWait(100);
    // read() would return 0 here, but poll() reports nothing until a writer came and went:
    // no EOF for a FIFO that never had a writer.
    QCOMPARE(rrec.events, seq("made"));

    const int wfd = Sys::open(QFile::encodeName(path).constData(), O_WRONLY | O_NONBLOCK);
    QVERIFY2(wfd >= 0, std::strerror(errno));
    WritePipeTransport writer;
    TransportRecorder wrec(&writer);
    QVERIFY(writer.open(wfd));
    const QByteArray payload = randomBytes(70000, 36);
    writer.write(payload);
    writer.writeEof();
    QTRY_VERIFY(rrec.isLost());
    QCOMPARE(rrec.data.size(), qsizetype(70000));
    QCOMPARE(rrec.data, payload);
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QTRY_VERIFY(wrec.isLost());
    QCOMPARE(wrec.lostError, 0);
}

void TestOpeners::fifoWriterCancel()
{
    const QString path = fifoPath(QStringLiteral("cancel.fifo"));
    const int before = openFdCount();
    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QSignalSpy cancelled(&opener, &FifoWriterOpener::cancelled);
    QVERIFY(cancelled.isValid());
    QVERIFY(opener.start(path));
    QTRY_COMPARE(waiting.count(), 1);
    opener.cancel();
    QCOMPARE(cancelled.count(), 1);
    QVERIFY(!opener.isWaiting());
    QCOMPARE(openFdCount(), before);

    // A reader that comes after the cancel is not connected to.
    Error error;
    Fd rfd(Openers::openFifoReader(path, &error));
    QVERIFY2(rfd, qPrintable(error.message()));
    QTest::qWait(FifoWriterOpener::RetryIntervalMs * 5);
    QCOMPARE(connected.count(), 0);
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(openFdCount(), before + 1);

    // And the opener can start again.
    QVERIFY(opener.start(path));
    QTRY_COMPARE(connected.count(), 1);
    Fd wfd(connected.at(0).at(0).toInt());
    QCOMPARE(inodeOf(wfd.get()), inodeOf(rfd.get()));
}

void TestOpeners::fifoWriterCancelWhenNotWaitingIsSilent()
{
    FifoWriterOpener opener;
    QSignalSpy cancelled(&opener, &FifoWriterOpener::cancelled);
    opener.cancel();
    QCOMPARE(cancelled.count(), 0);

    const QString path = fifoPath(QStringLiteral("silent.fifo"));
    Error error;
    Fd rfd(Openers::openFifoReader(path, &error));
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QVERIFY(opener.start(path));
    QTRY_COMPARE(connected.count(), 1);
    Fd wfd(connected.at(0).at(0).toInt());
    opener.cancel(); // connected already: nothing to cancel
    QCOMPARE(cancelled.count(), 0);
}

void TestOpeners::fifoWriterDestroyedWhileWaiting()
{
    const QString path = fifoPath(QStringLiteral("destroyed.fifo"));
    const int before = openFdCount();
    auto *opener = new FifoWriterOpener;
    QSignalSpy waiting(opener, &FifoWriterOpener::waitingForReader);
    QVERIFY(opener->start(path));
    QTRY_COMPARE(waiting.count(), 1);
    delete opener;
    Error error;
    Fd rfd(Openers::openFifoReader(path, &error));
    QTest::qWait(FifoWriterOpener::RetryIntervalMs * 3);
    QCOMPARE(openFdCount(), before + 1); // only our reader: no writer opened behind our back
}

void TestOpeners::fifoWriterFailsWhenFifoRemovedWhileWaiting()
{
    const QString path = fifoPath(QStringLiteral("removed.fifo"));
    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy failed(&opener, &FifoWriterOpener::failed);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QVERIFY(opener.start(path));
    QTRY_COMPARE(waiting.count(), 1);
    QVERIFY(QFile::remove(path));
    QTRY_COMPARE(failed.count(), 1);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(path) && message.contains(QString::fromLocal8Bit(std::strerror(ENOENT))),
             qPrintable(message));
    QCOMPARE(opener.errorString(), message);
    QVERIFY(!opener.isWaiting());
    QCOMPARE(connected.count(), 0);
}

void TestOpeners::fifoErrors_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("regular file") << QStringLiteral("file") << QStringLiteral("not a FIFO");
    QTest::newRow("directory") << QStringLiteral("dir") << QStringLiteral("not a FIFO");
    QTest::newRow("missing path") << QStringLiteral("missing")
                                  << QString::fromLocal8Bit(std::strerror(ENOENT));
}

void TestOpeners::fifoErrors()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QString path = m_dir.filePath(QStringLiteral("err-") + kind);
    if (kind == QLatin1String("file")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
    } else if (kind == QLatin1String("dir")) {
        QVERIFY(QDir().mkpath(path));
    }
    const int before = openFdCount();

    Error error;
    QCOMPARE(Openers::openFifoReader(path, &error), -1);
    QVERIFY2(error.message().contains(path) && error.message().contains(expected), qPrintable(error.message()));

    FifoWriterOpener opener;
    QSignalSpy waiting(&opener, &FifoWriterOpener::waitingForReader);
    QSignalSpy connected(&opener, &FifoWriterOpener::connected);
    QSignalSpy failed(&opener, &FifoWriterOpener::failed);
    QVERIFY(!opener.start(path));
    QVERIFY2(opener.errorString().contains(path) && opener.errorString().contains(expected),
             qPrintable(opener.errorString()));
    QVERIFY(!opener.isWaiting());
    QTest::qWait(50);
    QCOMPARE(waiting.count() + connected.count() + failed.count(), 0);
    QCOMPARE(openFdCount(), before);
}

void TestOpeners::childCatEchoesAllBytes()
{
    ChildProcess child;
    QSignalSpy finished(&child, &ChildProcess::finished);
    QVERIFY(finished.isValid());
    QCOMPARE(child.state(), ChildProcess::State::NotStarted);
    QVERIFY2(child.start(QStringLiteral("cat")), qPrintable(child.errorString()));
    QCOMPARE(child.state(), ChildProcess::State::Running);
    QVERIFY(child.pid() > 0);
    QCOMPARE(child.statusText(), QStringLiteral("running"));

    WritePipeTransport toChild;
    ReadPipeTransport fromChild;
    TransportRecorder wrec(&toChild), rrec(&fromChild);
    QVERIFY(toChild.open(child.takeStdinFd()));
    QVERIFY(fromChild.open(child.takeStdoutFd()));
    QCOMPARE(child.takeStdinFd(), -1); // taken once
    const QByteArray payload = randomBytes(4 * 1024 * 1024, 99);
    toChild.write(payload);
    toChild.writeEof();
    QTRY_VERIFY_WITH_TIMEOUT(rrec.isLost(), 30000);
    QCOMPARE(rrec.data.size(), payload.size());
    QCOMPARE(sha256(rrec.data), sha256(payload));
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)"));
    QTRY_VERIFY(wrec.isLost());
    QCOMPARE(wrec.events, seq("made,pauseW,resumeW,lost(0)"));
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), 0);
    QCOMPARE(finished.at(0).at(1).toInt(), 0);
    QCOMPARE(child.state(), ChildProcess::State::Exited);
    QCOMPARE(child.exitCode(), 0);
    QCOMPARE(child.exitSignal(), 0);
    QCOMPARE(child.statusText(), QStringLiteral("exited with status 0"));
}

void TestOpeners::childMissingCommandIsAnError()
{
    const int before = openFdCount();
    ChildProcess child;
    QSignalSpy finished(&child, &ChildProcess::finished);
    const QString name = QStringLiteral("pipescope-no-such-command");
    QVERIFY(!child.start(name, { QStringLiteral("arg") }));
    QVERIFY2(child.errorString().contains(name)
                     && child.errorString().contains(QString::fromLocal8Bit(std::strerror(ENOENT))),
             qPrintable(child.errorString()));
    QCOMPARE(child.state(), ChildProcess::State::NotStarted);
    QCOMPARE(child.takeStdinFd(), -1);
    QCOMPARE(child.takeStdoutFd(), -1);
    QCOMPARE(openFdCount(), before); // the four pipe ends are closed again
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
}

void TestOpeners::childKilledMidStream()
{
    ChildProcess child;
    QSignalSpy finished(&child, &ChildProcess::finished);
    QVERIFY2(child.start(QStringLiteral("cat")), qPrintable(child.errorString()));
    WritePipeTransport toChild;
    ReadPipeTransport fromChild;
    TransportRecorder wrec(&toChild), rrec(&fromChild);

    // Keep cat busy: write whenever flow control allows, up to 1 GiB (never reached).
    const QByteArray block = randomBytes(64 * 1024, 3);
    qint64 sent = 0;
    auto pump = [&] {
        while (!toChild.isClosing() && !toChild.isWritingPaused() && sent < (qint64(1) << 30)) {
            toChild.write(block);
            sent += block.size();
        }
    };
    connect(&toChild, &PipeTransport::connectionMade, this, pump);
    connect(&toChild, &WritePipeTransport::writingResumed, this, pump);
    bool killed = false;
    connect(&fromChild, &ReadPipeTransport::dataReceived, this, [&] {
        if (!killed && rrec.data.size() >= 1024 * 1024)
            killed = child.sendSignal(SIGKILL);
    });
    QVERIFY(toChild.open(child.takeStdinFd()));
    QVERIFY(fromChild.open(child.takeStdoutFd()));

    QTRY_VERIFY_WITH_TIMEOUT(wrec.isLost() && rrec.isLost(), 10000); // no hang
    QVERIFY(killed);
    QCOMPARE(wrec.lostError, EPIPE); // the reader (cat) went away
    QCOMPARE(toChild.error(), EPIPE);
    QCOMPARE(rrec.sequence(), seq("made,data,eof,lost(0)")); // cat's stdout closed: EOF
    QVERIFY(rrec.data.size() >= 1024 * 1024);
    QVERIFY(rrec.data.size() <= sent);
    for (qsizetype at = 0; at + block.size() <= rrec.data.size(); at += block.size())
        QVERIFY(rrec.data.mid(at, block.size()) == block); // what came back is intact
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), -1);
    QCOMPARE(finished.at(0).at(1).toInt(), SIGKILL);
    QCOMPARE(child.exitSignal(), SIGKILL);
    QCOMPARE(child.exitCode(), -1);
    QVERIFY2(child.statusText().startsWith(QLatin1String("killed by signal 9")),
             qPrintable(child.statusText()));
    VERIFY_LIFECYCLE(wrec);
    VERIFY_LIFECYCLE(rrec);
}

void TestOpeners::childExitStatus_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("status");
    QTest::newRow("exit 3") << QStringLiteral("exit 3") << 3 << 0
                            << QStringLiteral("exited with status 3");
    QTest::newRow("kill -TERM $$") << QStringLiteral("kill -TERM $$") << -1 << int(SIGTERM)
                                   << QStringLiteral("killed by signal 15");
}

void TestOpeners::childExitStatus()
{
    QFETCH(QString, command);
    QFETCH(int, code);
    QFETCH(int, signal);
    QFETCH(QString, status);
    ChildProcess child;
    QSignalSpy finished(&child, &ChildProcess::finished);
    QVERIFY2(child.startShell(command), qPrintable(child.errorString()));
    Fd in(child.takeStdinFd()), out(child.takeStdoutFd());
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toInt(), code);
    QCOMPARE(finished.at(0).at(1).toInt(), signal);
    QVERIFY2(child.statusText().startsWith(status), qPrintable(child.statusText()));
    QCOMPARE(readAll(out.get()), QByteArray()); // EOF: nobody else holds the write end
}

void TestOpeners::childDiesOfSigpipeWhenItsReaderLeaves()
{
    // Our process ignores SIGPIPE once a transport opened, and an ignored signal survives
    // exec: without SIG_DFL restored at spawn, `yes` would exit 1 on EPIPE instead of dying.
    ReadPipeTransport opened;
    auto fds = makePipe();
    QVERIFY(opened.open(fds.first));
    Sys::close(fds.second);
    struct sigaction current {};
    QCOMPARE(::sigaction(SIGPIPE, nullptr, &current), 0);
    QVERIFY(current.sa_handler == SIG_IGN);

    ChildProcess child;
    QSignalSpy finished(&child, &ChildProcess::finished);
    QVERIFY2(child.start(QStringLiteral("yes")), qPrintable(child.errorString()));
    Fd in(child.takeStdinFd()), out(child.takeStdoutFd());
    char buffer[4096];
    QVERIFY(Sys::read(out.get(), buffer, sizeof buffer) > 0); // yes is writing
    out.close(); // the only reader leaves
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(1).toInt(), int(SIGPIPE));
    QVERIFY2(child.statusText().startsWith(QLatin1String("killed by signal 13")),
             qPrintable(child.statusText()));
}

void TestOpeners::childGetsOnlyItsOwnEnds()
{
    // Our ends are O_CLOEXEC: the child holds exactly its stdin read end and its stdout
    // write end of the two pipes (else its stdin would never see EOF).
    ChildProcess child;
    QVERIFY2(child.start(QStringLiteral("cat")), qPrintable(child.errorString()));
    Fd in(child.takeStdinFd()), out(child.takeStdoutFd());
    const QString stdinPipe = QStringLiteral("pipe:[%1]").arg(inodeOf(in.get()));
    const QString stdoutPipe = QStringLiteral("pipe:[%1]").arg(inodeOf(out.get()));
    const QMap<int, QString> links = fdLinks(child.pid());
    QCOMPARE(links.value(0), stdinPipe);
    QCOMPARE(links.value(1), stdoutPipe);
    for (auto it = links.cbegin(); it != links.cend(); ++it) {
        if (it.key() > 1)
            QVERIFY2(it.value() != stdinPipe && it.value() != stdoutPipe,
                     qPrintable(QStringLiteral("fd %1 -> %2").arg(it.key()).arg(it.value())));
    }
    QVERIFY(hasFlags(in.get(), 0, FD_CLOEXEC));
    QVERIFY(hasFlags(out.get(), 0, FD_CLOEXEC));
    in.close(); // cat sees EOF and exits
    QCOMPARE(readAll(out.get()), QByteArray());
    QTRY_VERIFY(child.state() == ChildProcess::State::Exited);
    QCOMPARE(child.exitCode(), 0);
}

void TestOpeners::childDoesNotInheritLeakedFds()
{
    // A pipe without O_CLOEXEC, as a careless host process might have: the child must not
    // get it, or it would hold a write end that keeps the pipe's reader from seeing EOF.
    int leaked[2];
    QCOMPARE(::pipe(leaked), 0);
    Fd leakedRead(leaked[0]), leakedWrite(leaked[1]);
    ChildProcess child;
    QVERIFY2(child.start(QStringLiteral("cat")), qPrintable(child.errorString()));
    Fd in(child.takeStdinFd()), out(child.takeStdoutFd());
    // (cat may have files of its own open, e.g. locale.alias while it starts: only the
    // leaked pipe matters.)
    struct stat leakedStatus = {};
    QCOMPARE(::fstat(leaked[0], &leakedStatus), 0);
    const QString leakedLink = QStringLiteral("pipe:[%1]").arg(leakedStatus.st_ino);
    const QMap<int, QString> links = fdLinks(child.pid());
    QVERIFY2(!links.values().contains(leakedLink), qPrintable(QStringList(links.values()).join(u' ')));
    leakedWrite.close();
    QCOMPARE(readAll(leakedRead.get()), QByteArray()); // EOF: nobody else holds the write end
    in.close();
    QTRY_VERIFY(child.state() == ChildProcess::State::Exited);
}

void TestOpeners::childDestructorKillsAndReaps()
{
    auto *child = new ChildProcess;
    QVERIFY2(child->start(QStringLiteral("sleep"), { QStringLiteral("30") }),
             qPrintable(child->errorString()));
    const pid_t pid = child->pid();
    QCOMPARE(::kill(pid, 0), 0);
    const int before = openFdCount();
    delete child;
    errno = 0;
    QCOMPARE(::kill(pid, 0), -1); // gone and reaped: not even a zombie
    QCOMPARE(errno, ESRCH);
    QCOMPARE(openFdCount(), before - 3); // stdin, stdout ends and the pidfd
}

QTEST_GUILESS_MAIN(TestOpeners)
#include "tst_openers.moc"
