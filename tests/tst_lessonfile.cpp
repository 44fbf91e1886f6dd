// Lesson files: a teacher's plain-text lesson is parsed into steps, and a bad one is refused
// with its line number and what is wrong — never a crash, also on hostile input.
#include <pipescope/lessonfile.h>

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace PipeScope;

namespace {

const QString Header = QStringLiteral("id: my-lesson\ntitle: T\nsummary: S\n");
const QString GoodStep = QStringLiteral("step: one\nexplain: e\npredict: p\n");

QString fixture()
{
    return QStringLiteral(PIPESCOPE_FIXTURES "/lessons/full-pipe.lesson");
}

} // namespace

class TestLessonFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesTheExample();
    void refusesWithLineNumber_data();
    void refusesWithLineNumber();
    void survivesHostileInput();
    void loadNamesThePath();
    void cliCheck();
};

void TestLessonFile::parsesTheExample()
{
    Error error;
    const std::optional<LessonFile> lesson = LessonFile::load(fixture(), &error);
    QVERIFY2(lesson, qPrintable(error.message()));
    QCOMPARE(lesson->id, QStringLiteral("full-pipe"));
    QCOMPARE(lesson->title, QStringLiteral("A full pipe stops the writer"));
    QCOMPARE(lesson->steps.size(), 2);
    const LessonFileStep &first = lesson->steps.at(0);
    QCOMPARE(first.title, QStringLiteral("Nobody reads"));
    QCOMPARE(first.line, 6);
    // The indented line continues the explanation.
    QCOMPARE(first.explanation,
             QStringLiteral("We start yes with its output into a pipe whose reader sleeps, so "
                            "nothing is read; the pipe fills to its capacity."));
    QCOMPARE(first.commands, QStringList {QStringLiteral("yes | sleep 30")});
    QCOMPARE(first.waits.size(), 1);
    QCOMPARE(first.waits.at(0).condition, QStringLiteral("blocked-writing"));
    QCOMPARE(first.waits.at(0).target, 1);
    QCOMPARE(first.waits.at(0).withinMs, 2000);
    QCOMPARE(first.expects.size(), 1);
    QCOMPARE(first.expects.at(0).left, QStringLiteral("queued:1"));
    QCOMPARE(first.expects.at(0).op, QStringLiteral("=="));
    QCOMPARE(first.expects.at(0).line, 12);
    QVERIFY(!first.okText.isEmpty() && !first.failText.isEmpty());
    const LessonFileStep &second = lesson->steps.at(1);
    QCOMPARE(second.signalsToSend.size(), 1);
    QCOMPARE(second.signalsToSend.at(0), qMakePair(int(SIGSTOP), 1));
    QCOMPARE(second.waits.at(0).condition, QStringLiteral("stopped"));
    QCOMPARE(second.waits.at(0).withinMs, 2000); // the default
}

void TestLessonFile::refusesWithLineNumber_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no colon") << Header + QStringLiteral("just words\n")
                              << QStringLiteral("line 4: expected 'key: value', got 'just words'");
    QTest::newRow("unknown key") << Header + GoodStep + QStringLiteral("expct: a == 1\n")
                                 << QStringLiteral("line 7: unknown key 'expct'");
    QTest::newRow("step key outside a step") << Header + QStringLiteral("run: yes\n")
                                             << QStringLiteral("line 4: 'run' outside a step");
    QTest::newRow("lesson key inside a step") << Header + GoodStep + QStringLiteral("title: again\n")
                                              << QStringLiteral("line 7: 'title' belongs before the first step");
    QTest::newRow("second title") << QStringLiteral("title: a\ntitle: b\n")
                                  << QStringLiteral("line 2: a second 'title'");
    QTest::newRow("bad id") << QStringLiteral("id: My Lesson!\n")
                            << QStringLiteral("line 1: an id is 1 to 40 of a-z");
    QTest::newRow("built-in id") << QStringLiteral("id: capacity\n")
                                 << QStringLiteral("line 1: 'capacity' is the id of a built-in lesson");
    QTest::newRow("continuation first") << QStringLiteral("  indented\n")
                                        << QStringLiteral("line 1: an indented line continues");
    QTest::newRow("wait for nothing") << Header + GoodStep + QStringLiteral("wait: sunrise 1\n")
                                      << QStringLiteral("line 7: unknown condition 'sunrise'");
    QTest::newRow("wait on a command not started") << Header + GoodStep + QStringLiteral("run: yes\nwait: exited 2\n")
                                                   << QStringLiteral("line 8: '2' is no command: 1 started so far");
    QTest::newRow("wait without ms") << Header + GoodStep + QStringLiteral("run: yes\nwait: exited 1 within 5\n")
                                     << QStringLiteral("line 8: expected 'wait: exited COMMAND within MS ms'");
    QTest::newRow("wait too long") << Header + GoodStep + QStringLiteral("wait: time 99999999 ms\n")
                                   << QStringLiteral("line 7: expected 'wait: time MS ms'");
    QTest::newRow("dangling within") << Header + GoodStep + QStringLiteral("run: yes\nwait: exited 1 within\n")
                                     << QStringLiteral("line 8: expected");
    QTest::newRow("unknown signal") << Header + GoodStep + QStringLiteral("run: yes\nsignal: NAP 1\n")
                                    << QStringLiteral("line 8: expected 'signal: NAME COMMAND'");
    QTest::newRow("expect without operator") << Header + GoodStep + QStringLiteral("expect: queued:1 is full\n")
                                             << QStringLiteral("line 7: expected 'expect: LEFT OP RIGHT'");
    QTest::newRow("expect unknown name") << Header + GoodStep + QStringLiteral("run: yes\nexpect: speed:1 > 3\n")
                                         << QStringLiteral("line 8: 'speed:1' is neither a number");
    QTest::newRow("empty step title") << Header + QStringLiteral("step:\n")
                                      << QStringLiteral("line 4: a step needs a title");
    QTest::newRow("step without prediction") << Header + QStringLiteral("\nstep: s\nexplain: e\n")
                                             << QStringLiteral("line 5: step 's' needs an 'explain:' and a 'predict:' line");
    QTest::newRow("no title") << QStringLiteral("id: x\nsummary: s\n") + GoodStep
                              << QStringLiteral("the lesson has no 'title:' line");
    QTest::newRow("no steps") << Header << QStringLiteral("the lesson has no steps");
    QTest::newRow("control character") << Header + QStringLiteral("step: a\u0001b\n")
                                       << QStringLiteral("line 4: control character U+0001");
    QTest::newRow("not UTF-8") << Header + QString::fromUtf8("step: \xff\xfe\n")
                               << QStringLiteral("line 4: not UTF-8 text");
    QTest::newRow("empty file") << QString() << QStringLiteral("the lesson has no 'id:' line");
}

void TestLessonFile::refusesWithLineNumber()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    Error error;
    QVERIFY(!LessonFile::parse(text, &error));
    QVERIFY2(error.message().startsWith(message), qPrintable(error.message()));
}

void TestLessonFile::survivesHostileInput()
{
    // Random bytes, random lines of the format's own words, a huge line: refused or parsed,
    // never a crash (ASan and UBSan watch), and a refusal always says why.
    QRandomGenerator random(11);
    const QStringList words {QStringLiteral("id:"), QStringLiteral("step:"), QStringLiteral("wait:"),
                             QStringLiteral("expect:"), QStringLiteral("signal:"), QStringLiteral("run:"),
                             QStringLiteral("queued:1"), QStringLiteral("=="), QStringLiteral("within"),
                             QStringLiteral("ms"), QStringLiteral("1"), QStringLiteral("\n"),
                             QStringLiteral("\n  "), QStringLiteral(":"), QStringLiteral("#")};
    for (int round = 0; round < 2000; ++round) {
        QString text;
        if (round % 2) {
            QByteArray bytes(int(random.bounded(200)), Qt::Uninitialized);
            for (char &c : bytes)
                c = char(random.bounded(256));
            text = QString::fromUtf8(bytes);
        } else {
            for (int i = 0; i < 30; ++i)
                text += words.at(int(random.bounded(words.size()))) + u' ';
        }
        Error error;
        if (!LessonFile::parse(text, &error))
            QVERIFY2(!error.message().isEmpty(), qPrintable(text));
    }
    Error error;
    QVERIFY(!LessonFile::parse(QString(200000, u'x'), &error));
    QVERIFY2(error.message().startsWith(u"line 1: expected 'key: value', got 'xxxx") && error.message().size() < 200,
             qPrintable(error.message().left(300)));
}

void TestLessonFile::loadNamesThePath()
{
    Error error;
    QVERIFY(!LessonFile::load(QStringLiteral("/nonexistent/x.lesson"), &error));
    QVERIFY2(error.message().startsWith(u"/nonexistent/x.lesson: "), qPrintable(error.message()));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.lesson"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("id: bad\ntitle: t\nsummary: s\nstep: x\nexplain: e\npredict: p\nwait: forever 1\n");
    file.close();
    QVERIFY(!LessonFile::load(path, &error));
    QVERIFY2(error.message().startsWith(path + QStringLiteral(": line 7: unknown condition 'forever'")),
             qPrintable(error.message()));
}

void TestLessonFile::cliCheck()
{
    QProcess cli;
    cli.start(QStringLiteral(PIPESCOPE_BINARY),
              {QStringLiteral("lesson"), QStringLiteral("check"), fixture()});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 0);
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("lesson 'full-pipe'")) && out.contains(u"2 steps: valid"),
             qPrintable(out));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.lesson"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("id: bad\ntitle: t\n\nsumary: s\n");
    file.close();
    cli.start(QStringLiteral(PIPESCOPE_BINARY), {QStringLiteral("lesson"), QStringLiteral("check"), path});
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 1);
    const QString err = QString::fromUtf8(cli.readAllStandardError());
    QVERIFY2(err.contains(path + QStringLiteral(": line 4: unknown key 'sumary'")), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestLessonFile)
#include "tst_lessonfile.moc"
