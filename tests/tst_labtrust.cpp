// What a lab may trust (issue 17 item 4): a FIFO another user planted at the lab's path (or a
// symlink to one) is refused unless the user explicitly opens an existing FIFO; a FIFO swapped
// in after the check is not written to; a lab file's child commands run only after the user
// has seen them (or with --trust). The second user is nobody, through setpriv (tests run as root).
#include "testsupport.h"

#include "childapproval.h"
#include "mainwindow.h"

#include <pipescope/lab.h>
#include <pipescope/labeventlog.h>
#include <pipescope/labpipe.h>
#include <pipescope/writepipetransport.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace PipeScope;
using namespace PipeScope::Test;

namespace {

/// nobody's `sh -c SCRIPT`, its stdout readable from the test.
class NobodyShell
{
public:
    explicit NobodyShell(const QString &script)
    {
        m_process.start(QStringLiteral("setpriv"),
                        { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                          QStringLiteral("--clear-groups"), QStringLiteral("sh"), QStringLiteral("-c"), script });
    }
    ~NobodyShell()
    {
        m_process.kill();
        m_process.waitForFinished();
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
};

bool logMentions(const Lab &lab, const QString &text)
{
    for (const LabEvent &event : lab.eventLog()->entries()) {
        if (event.detail.contains(text))
            return true;
    }
    return false;
}

} // namespace

class TestLabTrust : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void anotherUsersFifoIsRefused();
    void aFifoSwappedInAfterTheCheckGetsNothing();
    void labCommandsRunOnlyWhenApproved();

private:
    QTemporaryDir m_dir;
};

void TestLabTrust::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    std::signal(SIGPIPE, SIG_DFL);
    QVERIFY(m_dir.isValid());
    // A shared sticky directory like /tmp, in which nobody may create files.
    QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 01777) == 0);
    if (::geteuid() != 0 || !nobodyCanRun(QStringLiteral("/bin/sh")))
        QSKIP("needs root to act as user nobody through setpriv");
}

void TestLabTrust::anotherUsersFifoIsRefused()
{
    const QString fifo = m_dir.filePath(QStringLiteral("squat.fifo"));
    const QString link = m_dir.filePath(QStringLiteral("link.fifo"));
    // nobody plants a FIFO and a symlink to it, then waits to read what the lab writes.
    NobodyShell nobody(QStringLiteral("mkfifo '%1' && ln -s '%1' '%2' && exec cat '%1'").arg(fifo, link));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(link).isSymLink(), 5000);
    Lab lab;
    Error error;
    QVERIFY(!lab.addFifo(fifo, false, &error));
    QVERIFY2(error.message().contains(QLatin1String("is a FIFO of user nobody (uid 65534), not ours")), qPrintable(error.message()));
    QVERIFY(!lab.addFifo(link, false, &error));
    QVERIFY2(error.message().contains(QLatin1String("is a symbolic link of user nobody (uid 65534)")), qPrintable(error.message()));
    QVERIFY(lab.pipes().isEmpty());
    // Chosen explicitly, it is used, and the log says whose it is.
    LabPipe *pipe = lab.addFifo(fifo, false, &error, true);
    QVERIFY2(pipe, qPrintable(error.message()));
    QVERIFY(logMentions(lab, QStringLiteral("belongs to user nobody (uid 65534)")));
    QTRY_COMPARE_WITH_TIMEOUT(pipe->writerState(), LabPipe::WriterState::Writing, 5000);
    const QByteArray bytes(200, 'x');
    pipe->send(bytes);
    QTRY_COMPARE_WITH_TIMEOUT(nobody.process().bytesAvailable(), qint64(bytes.size()), 5000);
}

void TestLabTrust::aFifoSwappedInAfterTheCheckGetsNothing()
{
    const QString path = m_dir.filePath(QStringLiteral("swapped.fifo"));
    Lab lab;
    Error error;
    LabPipe *pipe = lab.addFifo(path, false, &error);
    QVERIFY2(pipe, qPrintable(error.message()));
    QCOMPARE(pipe->writerState(), LabPipe::WriterState::WaitingForReader);
    // While the writer waits for a reader, the checked FIFO is moved away and another put in
    // its place; a reader opens that one, so the waiting open() would reach it.
    QVERIFY(QFile::rename(path, path + QStringLiteral(".old")));
    QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0666) == 0);
    const int reader = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    QVERIFY(reader >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(logMentions(lab, QStringLiteral("was replaced after it was checked")), 5000);
    QVERIFY(pipe->writerState() != LabPipe::WriterState::Writing);
    pipe->send("not for you");
    QTest::qWait(100);
    QCOMPARE(queued(reader), 0);
    ::close(reader);
}

void TestLabTrust::labCommandsRunOnlyWhenApproved()
{
    const QString marker = m_dir.filePath(QStringLiteral("ran"));
    const QString command = QStringLiteral("touch '%1'; cat").arg(marker);
    const QJsonObject json{ { QStringLiteral("format"), QStringLiteral("pipescope-lab") },
                            { QStringLiteral("version"), 1 },
                            { QStringLiteral("pipes"), QJsonArray{ QJsonObject{ { QStringLiteral("name"), QStringLiteral("p") } } } },
                            { QStringLiteral("children"), QJsonArray{ QJsonObject{ { QStringLiteral("command"), command } } } } };
    const QString path = m_dir.filePath(QStringLiteral("lab.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(json).toJson());
    file.close();

    Ui::MainWindow window;
    QString shown;
    QTimer answer;
    answer.setInterval(20);
    QObject::connect(&answer, &QTimer::timeout, &window, [&shown, &answer] {
        auto *dialog = qobject_cast<Ui::ChildApproval *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        answer.stop();
        shown = dialog->shownCommands();
        QTest::keyClick(dialog, Qt::Key_Return); // the default button does not run anything
    });
    answer.start();
    QVERIFY(!window.openLab(path));
    QCOMPARE(shown, command);
    QVERIFY(window.lab()->children().isEmpty());
    QCOMPARE(window.lab()->pipes().size(), 1); // the pipes are opened all the same
    QTest::qWait(200);
    QVERIFY(!QFileInfo::exists(marker));

    Ui::MainWindow trusting;
    trusting.setTrustLabCommands(true); // what --trust sets
    QVERIFY(trusting.openLab(path));
    QCOMPARE(trusting.lab()->children().size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(marker), 5000);
}

QTEST_MAIN(TestLabTrust)
#include "tst_labtrust.moc"
