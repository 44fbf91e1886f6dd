// pipescope inspect: the live kernel state of one pipe -- queued bytes, capacity, fill, and
// optionally its first queued bytes (never consumed) or a new capacity.
#include "command.h"
#include "readerprobe.h"

#include <pipescope/pipelimits.h>
#include <pipescope/pipeprobe.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <fcntl.h>
#include <sys/sysmacros.h>

#include <limits>
#include <optional>

namespace PipeScope::App {

namespace {

struct InspectRequest
{
    PipeProbe probe = PipeProbe::forFd(0);
    bool json = false;
    bool hex = false;
    qsizetype peek = -1;            // -1: no peek
    std::optional<int> newCapacity; // --set-capacity
    bool openAnyway = false;        // --open-anyway: open even when no visible process reads it
};

struct InspectResult
{
    PipeSample sample;
    std::optional<QByteArray> peeked;
    std::optional<int> capacitySet;
};

int failure(const QString &message)
{
    QTextStream(stderr) << "pipescope inspect: " << message << '\n';
    return ExitFailure;
}

/// A bare number is an fd of pipescope itself. When we hold no such fd but a process of that
/// number exists, "inspect 812" most likely meant one of that process's fds: say how.
QString withPidFdHint(const PipeProbe &probe, const QString &error)
{
    if (probe.target() != PipeProbe::Target::OwnFd || ::fcntl(probe.fd(), F_GETFD) >= 0
        || !processExists(probe.fd()))
        return error;
    return error + QStringLiteral(" (pipescope has no fd %1, but process %1 exists: for one of its fds "
                                  "write PID:FD, e.g. %1:1)").arg(probe.fd());
}

/// Printable ASCII as is, everything else as a C escape, a line break after each "\n".
QString escaped(const QByteArray &bytes)
{
    QString text;
    for (const char c : bytes) {
        const auto byte = uchar(c);
        if (byte == '\\')
            text += QLatin1String("\\\\");
        else if (byte == '\n')
            text += QLatin1String("\\n\n");
        else if (byte == '\t')
            text += QLatin1String("\\t");
        else if (byte == '\r')
            text += QLatin1String("\\r");
        else if (byte >= 0x20 && byte < 0x7f)
            text += QLatin1Char(c);
        else
            text += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    return text;
}

/// hexdump -C layout: offset, 16 bytes in hex, the printable ones between bars.
QString hexDump(const QByteArray &bytes)
{
    QString text;
    for (qsizetype offset = 0; offset < bytes.size(); offset += 16) {
        const QByteArray line = bytes.mid(offset, 16);
        QString hex;
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (i == 8)
                hex += u' ';
            if (i >= line.size()) {
                hex += QLatin1String("   ");
                continue;
            }
            const auto byte = uchar(line.at(i));
            hex += QStringLiteral("%1 ").arg(byte, 2, 16, QLatin1Char('0'));
            ascii += (byte >= 0x20 && byte < 0x7f) ? QLatin1Char(char(byte)) : QLatin1Char('.');
        }
        text += QStringLiteral("%1  %2 |%3|\n").arg(offset, 8, 16, QLatin1Char('0')).arg(hex, ascii);
    }
    return text;
}

QString deviceName(quint64 device)
{
    return QStringLiteral("%1:%2").arg(major(dev_t(device))).arg(minor(dev_t(device)));
}

double fillPercent(const PipeSample &sample)
{
    return sample.capacity > 0 ? 100.0 * double(sample.queued) / double(sample.capacity) : 0.0;
}

QString kindText(const PipeSample &sample)
{
    if (!sample.isFifo)
        return QStringLiteral("anonymous pipe");
    return QStringLiteral("FIFO %1%2").arg(sample.fifoPath,
                                           sample.fifoDeleted ? QLatin1String(" (deleted)")
                                                              : QLatin1String(""));
}

QJsonObject peekJson(const QByteArray &bytes, qsizetype requested, bool hex)
{
    QJsonObject peek{ { QStringLiteral("requested"), double(requested) },
                      { QStringLiteral("bytes"), double(bytes.size()) },
                      { QStringLiteral("base64"), QString::fromLatin1(bytes.toBase64()) } };
    if (hex)
        peek.insert(QStringLiteral("hex"), QString::fromLatin1(bytes.toHex()));
    else
        peek.insert(QStringLiteral("text"), escaped(bytes).remove(u'\n'));
    return peek;
}

QJsonObject toJson(const InspectRequest &request, const InspectResult &result)
{
    const PipeSample &sample = result.sample;
    const qint64 page = PipeLimits::pageSize();
    QJsonObject object{
        { QStringLiteral("pipe"), request.probe.describe() },
        { QStringLiteral("kind"), sample.isFifo ? QStringLiteral("fifo") : QStringLiteral("pipe") },
        { QStringLiteral("inode"), double(sample.inode) },
        { QStringLiteral("device"), deviceName(sample.device) },
        { QStringLiteral("queued"), double(sample.queued) },
        { QStringLiteral("capacity"), double(sample.capacity) },
        { QStringLiteral("fillPercent"), fillPercent(sample) },
        { QStringLiteral("pageSize"), double(page) },
        { QStringLiteral("slots"), double(sample.capacity / page) },
        { QStringLiteral("slotsUsedAtLeast"), double(PipeLimits::minimumSlots(sample.queued)) },
    };
    if (sample.isFifo) {
        object.insert(QStringLiteral("fifoPath"), sample.fifoPath);
        object.insert(QStringLiteral("fifoDeleted"), sample.fifoDeleted);
    }
    if (result.capacitySet) {
        object.insert(QStringLiteral("capacityRequested"), double(*request.newCapacity));
        object.insert(QStringLiteral("capacitySet"), *result.capacitySet);
    }
    if (result.peeked)
        object.insert(QStringLiteral("peek"), peekJson(*result.peeked, request.peek, request.hex));
    return object;
}

void printText(const InspectRequest &request, const InspectResult &result)
{
    QTextStream out(stdout);
    const PipeSample &sample = result.sample;
    const qint64 page = PipeLimits::pageSize();
    if (result.capacitySet) {
        out << "capacity set to " << *result.capacitySet << " bytes (asked for "
            << *request.newCapacity << ")\n";
    }
    out << "pipe        " << request.probe.describe() << '\n'
        << "kind        " << kindText(sample) << '\n'
        << "inode       " << sample.inode << '\n'
        << "device      " << deviceName(sample.device) << '\n'
        << "queued      " << sample.queued << " bytes\n"
        << "capacity    " << sample.capacity << " bytes (" << sample.capacity / page
        << " page slots of " << page << ")\n"
        << "fill        " << QString::number(fillPercent(sample), 'f', 1) << " %\n"
        << "slots used  at least " << PipeLimits::minimumSlots(sample.queued) << " of "
        << sample.capacity / page << " (more if written in pieces)\n";
    if (!result.peeked)
        return;
    out << "peek        first " << result.peeked->size() << " of " << sample.queued
        << " queued bytes (asked for " << request.peek << ")\n";
    const QString body = request.hex ? hexDump(*result.peeked) : escaped(*result.peeked);
    for (const QString &line : body.split(u'\n', Qt::SkipEmptyParts))
        out << "  " << line << '\n';
}

QString usageText(const QCommandLineParser &parser, const QString &commandName)
{
    // helpText() names the real argv[0]; the command's own name reads better.
    QString help = parser.helpText();
    const QString argv0 = QCoreApplication::arguments().value(0);
    const qsizetype at = help.indexOf(argv0);
    if (!argv0.isEmpty() && at >= 0)
        help.replace(at, argv0.size(), commandName);
    return help;
}

void setUpParser(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
            "Shows the live kernel state of one pipe: inode, kind, queued bytes (FIONREAD),\n"
            "capacity (F_GETPIPE_SZ), fill and page slots. PIPE is an fd of this process (FD),\n"
            "an fd of another process (PID:FD, read through /proc/PID/fd/FD) or a FIFO path.\n"
            "Another process's pipe is opened read-only for an instant and never consumed,\n"
            "and only through a read end some process holds: on a pipe nobody reads, our read\n"
            "end would turn the writers' EPIPE into success, and opening a FIFO by its path\n"
            "would release a writer blocked in open(2) and lose what it writes."));
    parser.addHelpOption();
    parser.addOptions({
            { QStringLiteral("json"), QStringLiteral("Print one JSON object.") },
            { QStringLiteral("peek"),
              QStringLiteral("Also show the first N queued bytes, without consuming them."),
              QStringLiteral("N") },
            { QStringLiteral("hex"), QStringLiteral("Show peeked bytes as a hex dump.") },
            { QStringLiteral("set-capacity"),
              QStringLiteral("Resize the pipe first (F_SETPIPE_SZ; 64K, 1M allowed)."),
              QStringLiteral("BYTES") },
            { QStringLiteral("open-anyway"),
              QStringLiteral("Open the pipe even when no visible process reads it (hides EPIPE "
                             "from its writers meanwhile; releases writers blocked in a FIFO open).") },
    });
    parser.addPositionalArgument(QStringLiteral("pipe"),
                                 QStringLiteral("FD, PID:FD or FIFO-PATH"));
}

/// Fills \a request from \a arguments; returns -1 to go on, else the exit status.
int parseRequest(const QStringList &arguments, InspectRequest *request)
{
    QCommandLineParser parser;
    setUpParser(parser);
    const QString usage = usageText(parser, arguments.value(0));
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), usage);
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << usage;
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(QStringLiteral("expected exactly one PIPE (FD, PID:FD or FIFO-PATH)"), usage);
    Error specError;
    const std::optional<PipeProbe> probe = PipeProbe::fromSpec(positional.first(), &specError);
    if (!probe)
        return usageError(specError.message(), usage);
    request->probe = *probe;
    request->json = parser.isSet(QStringLiteral("json"));
    request->hex = parser.isSet(QStringLiteral("hex"));
    request->openAnyway = parser.isSet(QStringLiteral("open-anyway"));
    if (request->openAnyway && request->probe.target() == PipeProbe::Target::OwnFd)
        return usageError(QStringLiteral("--open-anyway applies to PID:FD and FIFO paths (an FD of ours is opened as it is)"), usage);
    QString error;
    if (parser.isSet(QStringLiteral("peek"))) {
        // More than one tee(2) can copy is clamped by PipeProbe::peek, so any size is fine.
        const std::optional<qint64> n = parseByteCount(parser.value(QStringLiteral("peek")),
                                                       std::numeric_limits<int>::max(), QStringLiteral("--peek"), &error);
        if (!n)
            return usageError(error, usage);
        request->peek = qsizetype(*n);
    }
    if (request->hex && request->peek < 0)
        return usageError(QStringLiteral("--hex only applies to --peek"), usage);
    if (parser.isSet(QStringLiteral("set-capacity"))) {
        const std::optional<qint64> bytes = parseByteCount(parser.value(QStringLiteral("set-capacity")),
                                                           std::numeric_limits<int>::max(),
                                                           QStringLiteral("--set-capacity"), &error);
        if (!bytes)
            return usageError(error, usage);
        request->newCapacity = int(*bytes);
    }
    return -1;
}

int runInspect(const QStringList &arguments)
{
    InspectRequest request;
    if (const int status = parseRequest(arguments, &request); status >= 0)
        return status;
    if (request.probe.target() == PipeProbe::Target::ProcessFd && !processExists(request.probe.pid()))
        return noProcess("inspect", request.probe.pid());
    InspectResult result;
    Error error;
    if (!request.openAnyway) {
        const std::optional<PipeProbe> throughReader = probeThroughReader(request.probe, &error);
        if (!throughReader)
            return failure(error.message());
        request.probe = *throughReader;
    }
    if (request.newCapacity) {
        result.capacitySet = request.probe.setCapacity(*request.newCapacity, &error);
        if (!result.capacitySet)
            return failure(withPidFdHint(request.probe, error.message()));
    }
    result.sample = request.probe.sample();
    if (!result.sample.ok)
        return failure(withPidFdHint(request.probe, result.sample.error.message()));
    if (request.peek >= 0) {
        result.peeked = request.probe.peek(request.peek, &error);
        if (!result.peeked)
            return failure(error.message());
    }
    if (request.json)
        QTextStream(stdout) << QJsonDocument(toJson(request, result)).toJson(QJsonDocument::Indented);
    else
        printText(request, result);
    return ExitOk;
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("inspect", "Show a pipe's queued bytes, capacity and first bytes",
                           runInspect)

} // namespace PipeScope::App
