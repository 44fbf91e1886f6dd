// Lab files with wrong, huge or hostile values (issue 17 items 3 and 5): every value is
// checked for type and range before anything is built, so nothing is truncated or wrapped
// silently, the current lab survives a refused file, and a huge name or path cannot reach the
// views. Unique names for thousands of unnamed pipes are found in linear time.
#include "testsupport.h"

#include <pipescope/lab.h>
#include <pipescope/labfilecheck.h>
#include <pipescope/labpipe.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <climits>
#include <sys/resource.h>

using namespace PipeScope;

namespace {

QJsonObject labWith(const QJsonArray &pipes, const QJsonArray &children = {})
{
    return { { QStringLiteral("format"), QStringLiteral("pipescope-lab") },
             { QStringLiteral("version"), 1 },
             { QStringLiteral("pipes"), pipes },
             { QStringLiteral("children"), children } };
}

QJsonObject namedPipe(const QString &name, const QJsonObject &extra = {})
{
    QJsonObject pipe = extra;
    pipe.insert(QStringLiteral("kind"), QStringLiteral("pipe"));
    pipe.insert(QStringLiteral("name"), name);
    return pipe;
}

} // namespace

class TestLabFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wrongValuesAreRefused_data();
    void wrongValuesAreRefused();
    void capacityIsSetExactlyOrRefused();
    void nulInFifoPathCreatesNothing();
    void hugeNameAndPathAreRefusedAtOnce();
    void namingThousandsOfPipesIsLinear();
};

void TestLabFile::wrongValuesAreRefused_data()
{
    QTest::addColumn<QJsonObject>("lab");
    QTest::addColumn<QString>("message");
    auto capacity = [](const QJsonValue &value) {
        return labWith({ namedPipe(QStringLiteral("p"), { { QStringLiteral("capacity"), value } }) });
    };
    // 4294971392 = 2^32 + 4096: int truncation made it a 4096-byte pipe, "loaded".
    QTest::newRow("capacity 2^32+4096") << capacity(4294971392.0)
                                        << QStringLiteral("pipes[0]: capacity 4294971392 is out of range 1 to 2147483647");
    // 2^31 wrapped negative and the kernel's refusal read as the per-user limit.
    QTest::newRow("capacity 2^31") << capacity(2147483648.0)
                                   << QStringLiteral("pipes[0]: capacity 2147483648 is out of range 1 to 2147483647");
    QTest::newRow("capacity 0") << capacity(0) << QStringLiteral("capacity 0 is out of range");
    QTest::newRow("capacity text") << capacity(QStringLiteral("64K"))
                                   << QStringLiteral("pipes[0]: capacity must be a number, got \"64K\"");
    QTest::newRow("capacity fraction") << capacity(4096.5) << QStringLiteral("capacity must be a whole number");
    QJsonObject lab = labWith({});
    lab.insert(QStringLiteral("pipes"), QStringLiteral("x"));
    QTest::newRow("pipes not a list") << lab << QStringLiteral("lab file: pipes must be a list, got \"x\"");
    QTest::newRow("pipe not an object") << labWith({ 7 }) << QStringLiteral("pipes[0]: must be an object, got 7");
    QTest::newRow("unknown kind") << labWith({ QJsonObject{ { QStringLiteral("kind"), QStringLiteral("socket") } } })
                                  << QStringLiteral("pipes[0]: kind must be one of pipe, fifo, got \"socket\"");
    QTest::newRow("fifo without path") << labWith({ QJsonObject{ { QStringLiteral("kind"), QStringLiteral("fifo") } } })
                                       << QStringLiteral("pipes[0]: a FIFO needs a \"path\"");
    const QJsonObject generator{ { QStringLiteral("rate"), -5 }, { QStringLiteral("chunk"), 0 } };
    QTest::newRow("rate and chunk") << labWith({ namedPipe(QStringLiteral("p"),
                                                           { { QStringLiteral("writer"),
                                                               QJsonObject{ { QStringLiteral("generator"), generator } } } }) })
                                    << QStringLiteral("pipes[0].writer.generator: rate -5 is out of range 0 to 1073741824\n"
                                                      "pipes[0].writer.generator: chunk 0 is out of range 1 to 1048576");
    QTest::newRow("reader speed") << labWith({ namedPipe(QStringLiteral("p"),
                                                         { { QStringLiteral("reader"),
                                                             QJsonObject{ { QStringLiteral("maxRate"), -1 } } } }) })
                                  << QStringLiteral("pipes[0].reader: maxRate -1 is out of range");
    QTest::newRow("children not a list") << QJsonObject{ { QStringLiteral("format"), QStringLiteral("pipescope-lab") },
                                                         { QStringLiteral("version"), 1 },
                                                         { QStringLiteral("children"), QJsonObject{} } }
                                         << QStringLiteral("lab file: children must be a list");
    QTest::newRow("child stderr") << labWith({}, { QJsonObject{ { QStringLiteral("command"), QStringLiteral("cat") },
                                                                { QStringLiteral("stderr"), QStringLiteral("file") } } })
                                  << QStringLiteral("children[0]: stderr must be one of terminal, pipe, stdout, null, got \"file\"");
    QTest::newRow("child without command") << labWith({}, { QJsonObject{} })
                                           << QStringLiteral("children[0]: a child needs a \"command\"");
    QTest::newRow("child stdin capacity") << labWith({}, { QJsonObject{ { QStringLiteral("command"), QStringLiteral("cat") },
                                                                        { QStringLiteral("stdin"),
                                                                          QJsonObject{ { QStringLiteral("capacity"), -4096 } } } } })
                                          << QStringLiteral("children[0].stdin: capacity -4096 is out of range");
    QTest::newRow("name with newline") << labWith({ namedPipe(QStringLiteral("a\nb")) })
                                       << QStringLiteral("pipes[0]: name \"a\nb\" holds a control character");
}

void TestLabFile::wrongValuesAreRefused()
{
    QFETCH(QJsonObject, lab);
    QFETCH(QString, message);
    Lab target;
    target.setTicking(false);
    QVERIFY(target.addAnonymousPipe(QStringLiteral("before")));
    Error error;
    QVERIFY(!target.fromJson(lab, &error));
    QVERIFY2(error.message().contains(message), qPrintable(error.message()));
    // Refused as a whole: the lab the user had is still there, nothing of the file was built.
    QCOMPARE(target.pipes().size(), 1);
    QCOMPARE(target.pipes().constFirst()->name(), QStringLiteral("before"));
    QVERIFY(target.children().isEmpty());
}

void TestLabFile::capacityIsSetExactlyOrRefused()
{
    // The largest valid capacity: set as asked (or refused by the kernel, with its reason),
    // never another size.
    Lab lab;
    lab.setTicking(false);
    Error error;
    QVERIFY2(lab.fromJson(labWith({ namedPipe(QStringLiteral("p"), { { QStringLiteral("capacity"), 65536 * 4 } }) }), &error),
             qPrintable(error.message()));
    QCOMPARE(lab.pipes().constFirst()->snapshot().capacity, qint64(65536 * 4));
}

void TestLabFile::nulInFifoPathCreatesNothing()
{
    QTemporaryDir dir;
    const QString truncated = dir.filePath(QStringLiteral("f"));
    const QString withNul = truncated + QChar(0) + QStringLiteral("tail");
    Lab lab;
    lab.setTicking(false);
    Error error;
    QVERIFY(!lab.fromJson(labWith({ QJsonObject{ { QStringLiteral("kind"), QStringLiteral("fifo") },
                                                 { QStringLiteral("path"), withNul } } }),
                          &error));
    QVERIFY2(error.message().contains(QLatin1String("holds a NUL byte")), qPrintable(error.message()));
    QVERIFY(!lab.addFifo(withNul, true, &error));
    QVERIFY2(error.message().contains(QLatin1String("the kernel would see only \"") + truncated), qPrintable(error.message()));
    QVERIFY(!QFileInfo::exists(truncated));
    QVERIFY(lab.pipes().isEmpty());
}

void TestLabFile::hugeNameAndPathAreRefusedAtOnce()
{
    // 10 MB of name froze the window in text layout for over 40 s.
    const QString huge(10 * 1024 * 1024, u'n');
    Lab lab;
    lab.setTicking(false);
    QElapsedTimer timer;
    timer.start();
    Error error;
    QVERIFY(!lab.fromJson(labWith({ namedPipe(huge) }), &error));
    QVERIFY2(error.message().contains(QLatin1String("name is 10485760 characters long; at most 256 are allowed")), qPrintable(error.message()));
    QVERIFY2(error.message().size() < 200, "the message quotes a bounded part of the value");
    QVERIFY(!lab.fromJson(labWith({ QJsonObject{ { QStringLiteral("kind"), QStringLiteral("fifo") },
                                                 { QStringLiteral("path"), u'/' + huge } } }),
                          &error));
    QVERIFY2(error.message().contains(QLatin1String("FIFO path is 10485761 bytes long")), qPrintable(error.message()));
    QVERIFY(!lab.addAnonymousPipe(huge, &error));
    QVERIFY(!lab.addFifo(QString(PATH_MAX, u'x'), true, &error));
    QVERIFY2(error.message().contains(QLatin1String("shorter than PATH_MAX")), qPrintable(error.message()));
    QVERIFY(lab.pipes().isEmpty());
    // The longest allowed name is fine.
    const QString longest(LabFileCheck::MaxNameLength, u'l');
    LabPipe *pipe = lab.addAnonymousPipe(longest, &error);
    QVERIFY2(pipe, qPrintable(error.message()));
    QCOMPARE(pipe->name(), longest);
    qInfo("refusing both took %lld ms", timer.elapsed());
}

void TestLabFile::namingThousandsOfPipesIsLinear()
{
    // Each unnamed pipe used to try "pipe 1", "pipe 2"... against every pipe: cubic in all,
    // 16.8 s for 2,000. The second thousand must cost about what the first did.
    // Two fds a pipe: raise the soft fd limit as far as the hard one allows.
    rlimit limit {};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    limit.rlim_cur = limit.rlim_max;
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
    const int half = int(std::min<rlim_t>(1000, (limit.rlim_cur - 200) / 4));
    QVERIFY2(half >= 250, "the hard fd limit is too low for this test");
    Lab lab;
    lab.setTicking(false);
    QElapsedTimer timer;
    qint64 halves[2] = {};
    for (qint64 &spent : halves) {
        timer.start();
        for (int i = 0; i < half; ++i)
            QVERIFY(lab.addAnonymousPipe());
        spent = timer.nsecsElapsed();
    }
    qInfo("first %d pipes %lld ms, second %d %lld ms", half, halves[0] / 1000000, half, halves[1] / 1000000);
    QCOMPARE(lab.pipes().size(), 2 * half);
    QCOMPARE(lab.pipes().constLast()->name(), QStringLiteral("pipe %1").arg(2 * half));
    // Quadratic naming per pipe makes the second thousand ~3x the first (and ~7x in total
    // comparisons); opening the pipes themselves costs the same in both halves.
    QVERIFY2(halves[1] < 2 * halves[0] + 200'000'000, "naming is not linear");
    // A freed name's number is not reused (the next one is), and a named pipe keeps its name.
    lab.removePipe(lab.pipes().constFirst()->id());
    QCOMPARE(lab.addAnonymousPipe()->name(), QStringLiteral("pipe %1").arg(2 * half + 1));
    QCOMPARE(lab.addAnonymousPipe(QStringLiteral("pipe 1"))->name(), QStringLiteral("pipe 1"));
    QCOMPARE(lab.addAnonymousPipe(QStringLiteral("pipe 1"))->name(), QStringLiteral("pipe 1 2"));
}

QTEST_GUILESS_MAIN(TestLabFile)
#include "tst_labfile.moc"
