// libFuzzer harness: a lab file from a colleague (Lab::load's path: JSON text → Lab::fromJson),
// then saving and loading again must give the same file (what was built is what is saved).
//
// Made safe to run: "children" is dropped (each would start the command it names) and FIFO
// paths are moved into a private temporary directory (the loader creates the FIFO it names).
#include "fuzzsupport.h"

#include <pipescope/lab.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdint>

using namespace PipeScope;

namespace {

constexpr int MaxPipes = 8; // each pipe holds two fds and two transports

QTemporaryDir *fifoDir = nullptr;

QJsonObject madeSafe(QJsonObject json)
{
    json.remove(QStringLiteral("children"));
    QJsonArray pipes;
    for (const QJsonValue &value : json.value(QStringLiteral("pipes")).toArray()) {
        if (pipes.size() == MaxPipes)
            break;
        QJsonObject entry = value.toObject();
        if (entry.contains(QStringLiteral("path")))
            entry.insert(QStringLiteral("path"),
                         fifoDir->filePath(QStringLiteral("fifo%1").arg(pipes.size())));
        pipes.append(entry);
    }
    if (json.contains(QStringLiteral("pipes")))
        json.insert(QStringLiteral("pipes"), pipes);
    return json;
}

QJsonObject loadedAndSaved(const QJsonObject &json, bool *ok)
{
    Lab lab;
    lab.setTicking(false);
    Error error;
    *ok = lab.fromJson(json, &error);
    QCoreApplication::sendPostedEvents();
    return lab.toJson();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    fifoDir = new QTemporaryDir(QStringLiteral("/tmp/pipescope-fuzz-labjson-XXXXXX"));
    QLoggingCategory::setFilterRules(QStringLiteral("pipescope.*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (!document.isObject())
        return 0;
    bool ok = false;
    const QJsonObject saved = loadedAndSaved(madeSafe(document.object()), &ok);
    if (!ok)
        return 0;
    bool reloadedOk = false;
    const QJsonObject resaved = loadedAndSaved(saved, &reloadedOk);
    FUZZ_CHECK(reloadedOk, "a saved lab does not load");
    FUZZ_CHECK(resaved == saved, "a saved lab loads into a different lab");
    return 0;
}
