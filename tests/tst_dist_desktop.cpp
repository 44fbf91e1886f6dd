// Desktop integration as installed: the .desktop file, the AppStream metainfo (with the
// README's screenshots and the releases), the saved lab's MIME type, the man page and the
// completions in their directories — checked with the validators Debian uses.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QMimeDatabase>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace PipeScope::Test;

namespace {

const QString labType = QStringLiteral("application/x-pipescope-lab+json");

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// The text of every \a element in the XML file at \a path, in order.
QStringList elementTexts(const QString &path, const QString &element, const QString &attribute = QString())
{
    QXmlStreamReader xml(readFile(path));
    QStringList texts;
    while (xml.readNextStartElement() || !xml.atEnd()) {
        if (xml.isStartElement() && xml.name() == element)
            texts << (attribute.isEmpty() ? xml.readElementText(QXmlStreamReader::IncludeChildElements)
                                          : xml.attributes().value(attribute).toString());
        else if (!xml.isStartElement())
            xml.readNext();
    }
    return texts;
}

QString need(const char *program, const char *package)
{
    const QString path = QStandardPaths::findExecutable(QLatin1String(program));
    if (path.isEmpty())
        qWarning("%s is needed: .ci/install-deps.sh installs %s", program, package);
    return path;
}

} // namespace

class TestDistDesktop : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_prefix;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_prefix = m_dir.filePath(QStringLiteral("prefix"));
        const CommandResult install = runCommand(QStringLiteral("cmake"),
                                                 { QStringLiteral("--install"), QStringLiteral(PIPESCOPE_BUILD_DIR),
                                                   QStringLiteral("--prefix"), m_prefix },
                                                 120000);
        QVERIFY2(install.exitCode == 0, qPrintable(install.err));
        // Qt finds MIME types through XDG_DATA_DIRS: ours first, then the system's.
        const QString mime = m_dir.filePath(QStringLiteral("share/mime"));
        QVERIFY(QDir().mkpath(mime + QStringLiteral("/packages")));
        QVERIFY(QFile::copy(m_prefix + QStringLiteral("/share/mime/packages/io.github.pipescope.xml"),
                            mime + QStringLiteral("/packages/io.github.pipescope.xml")));
        qputenv("XDG_DATA_DIRS", (m_dir.filePath(QStringLiteral("share")) + QStringLiteral(":/usr/share")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("nothing")).toLocal8Bit());
        const CommandResult update = runCommand(need("update-mime-database", "shared-mime-info"), { mime });
        QCOMPARE(update.exitCode, 0);
        QVERIFY2(update.err.isEmpty() && update.out.isEmpty(), qPrintable(update.err + update.text()));
    }

    void installsEverythingWhereDebianLooks_data()
    {
        QTest::addColumn<QString>("path");
        for (const char *path : { "bin/pipescope", "share/man/man1/pipescope.1.gz",
                                  "share/bash-completion/completions/pipescope",
                                  "share/zsh/site-functions/_pipescope", // prefix not /usr
                                  "share/mime/packages/io.github.pipescope.xml",
                                  "share/applications/io.github.pipescope.desktop",
                                  "share/metainfo/io.github.pipescope.metainfo.xml",
                                  "share/icons/hicolor/scalable/apps/io.github.pipescope.svg" })
            QTest::newRow(path) << QString::fromLatin1(path);
    }

    void installsEverythingWhereDebianLooks()
    {
        QFETCH(QString, path);
        QVERIFY2(QFileInfo(m_prefix + u'/' + path).size() > 0, qPrintable(path));
    }

    void desktopFileValidates()
    {
        const QString desktop = m_prefix + QStringLiteral("/share/applications/io.github.pipescope.desktop");
        const CommandResult result = runCommand(need("desktop-file-validate", "desktop-file-utils"), { desktop });
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.isEmpty() && result.err.isEmpty(), qPrintable(result.text() + result.err));
        // It claims saved labs only, not every JSON file.
        const QString text = QString::fromUtf8(readFile(desktop));
        QVERIFY2(text.contains(QStringLiteral("\nMimeType=%1;\n").arg(labType)), qPrintable(text));
        QVERIFY(!text.contains(QLatin1String("application/json")));
    }

    void metainfoValidatesPedantic()
    {
        const QString appstream = need("appstreamcli", "appstream");
        const CommandResult file = runCommand(appstream, { QStringLiteral("validate"), QStringLiteral("--pedantic"),
                                                           QStringLiteral("--no-net"),
                                                           QStringLiteral(PIPESCOPE_SOURCE_DIR "/resources/io.github.pipescope.metainfo.xml") });
        QVERIFY2(file.exitCode == 0, qPrintable(file.text()));
        // Not one hint, pedantic ones included ("P: ...", "I: ...").
        static const QRegularExpression issue(QStringLiteral("^[EWIP]: "), QRegularExpression::MultilineOption);
        QVERIFY2(!issue.match(file.text()).hasMatch(), qPrintable(file.text()));
        // The installed tree: the launchable .desktop file and the icon are where it says.
        const CommandResult tree = runCommand(appstream, { QStringLiteral("validate-tree"), QStringLiteral("--pedantic"),
                                                           QStringLiteral("--no-net"), m_prefix });
        QVERIFY2(tree.exitCode == 0, qPrintable(tree.text()));
        QVERIFY2(!issue.match(tree.text()).hasMatch(), qPrintable(tree.text()));
    }

    void metainfoListsTheReadmeScreenshots()
    {
        const QString metainfo = QStringLiteral(PIPESCOPE_SOURCE_DIR "/resources/io.github.pipescope.metainfo.xml");
        QSet<QString> listed;
        for (const QString &url : elementTexts(metainfo, QStringLiteral("image"))) {
            const QString name = url.section(u'/', -1);
            QVERIFY2(url.startsWith(QLatin1String("https://")), qPrintable(url));
            QVERIFY2(QFileInfo::exists(QStringLiteral(PIPESCOPE_SOURCE_DIR "/docs/") + name), qPrintable(name));
            listed << name;
        }
        QSet<QString> inReadme;
        static const QRegularExpression png(QStringLiteral("docs/([A-Za-z0-9_-]+\\.png)"));
        QRegularExpressionMatchIterator it = png.globalMatch(QString::fromUtf8(readFile(QStringLiteral(PIPESCOPE_SOURCE_DIR "/README.md"))));
        while (it.hasNext())
            inReadme << it.next().captured(1);
        QVERIFY(!inReadme.isEmpty());
        QCOMPARE(listed, inReadme);
    }

    void newestReleaseIsThisVersion()
    {
        const QStringList versions = elementTexts(QStringLiteral(PIPESCOPE_SOURCE_DIR "/resources/io.github.pipescope.metainfo.xml"),
                                                  QStringLiteral("release"), QStringLiteral("version"));
        QVERIFY(!versions.isEmpty());
        QCOMPARE(versions.first(), QStringLiteral(PIPESCOPE_VERSION_STRING));
    }

    void savedLabHasItsOwnMimeType()
    {
        const QMimeDatabase database;
        const QMimeType byName = database.mimeTypeForFile(QStringLiteral("demo.pipelab"), QMimeDatabase::MatchExtension);
        QCOMPARE(byName.name(), labType);
        QVERIFY(byName.inherits(QStringLiteral("application/json")));
        QCOMPARE(byName.comment(), QStringLiteral("PipeScope lab"));
        // A lab saved as .json before .pipelab, or with no extension: by its content.
        const QString unnamed = m_dir.filePath(QStringLiteral("lab"));
        QFile file(unnamed);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format": "pipescope-lab", "version": 1, "pipes": []})");
        file.close();
        QCOMPARE(database.mimeTypeForFile(unnamed, QMimeDatabase::MatchContent).name(), labType);
        QCOMPARE(database.mimeTypeForFile(QStringLiteral("other.json"), QMimeDatabase::MatchExtension).name(),
                 QStringLiteral("application/json")); // other JSON stays JSON
    }
};

QTEST_GUILESS_MAIN(TestDistDesktop)
#include "tst_dist_desktop.moc"
