// pipescope peek PID:FD: the first queued bytes of the pipe process PID holds as FD, without
// consuming them (tee into a private pipe, see PipeProbe::peek).
#include "command.h"

#include <pipescope/pipeprobe.h>
#include <pipescope/safeprobe.h>
#include <pipescope/snapshotformat.h>
#include <pipescope/sys.h>

#include <QCommandLineParser>
#include <QTextStream>

namespace PipeScope::App {

namespace {

constexpr qsizetype DefaultBytes = 1024;
constexpr qsizetype MaxBytes = 1 << 20; // what one tee(2) can copy: a pipe of at most 1 MiB

int failure(const QString &message)
{
    QTextStream(stderr) << "pipescope peek: " << message << '\n';
    return ExitFailure;
}

/// hexdump -C layout: offset, 16 bytes in two groups of 8, printable ASCII.
QString hexDump(const QByteArray &bytes)
{
    QString text;
    for (qsizetype line = 0; line < bytes.size(); line += 16) {
        text += QStringLiteral("%1 ").arg(line, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = line; i < line + 16; ++i) {
            if (i - line == 8)
                text += u' ';
            if (i < bytes.size()) {
                const auto byte = uchar(bytes[i]);
                text += QStringLiteral(" %1").arg(byte, 2, 16, QLatin1Char('0'));
                ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
            } else {
                text += QLatin1String("   ");
            }
        }
        text += QStringLiteral("  |%1|\n").arg(ascii);
    }
    return text;
}

/// Peeking opens a read end, so it goes through SafeProbe: only a read end some process
/// already holds is reopened. The refusal names the pipe and who would notice.
QString refusalText(const SafeProbeResult &result)
{
    if (!result.pipe)
        return result.error.message();
    return QStringLiteral("no process holds the read end of %1; peeking would open one: %2")
            .arg(SnapshotFormat::pipeTitle(*result.pipe), result.refusal->noticedBy.join(QStringLiteral("; ")));
}

int runPeek(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Show the first bytes queued in the pipe that process PID holds as FD, without "
            "consuming them. Raw bytes go to stdout; a summary to stderr."));
    parser.addHelpOption();
    const QCommandLineOption bytes(QStringList { QStringLiteral("n"), QStringLiteral("bytes") },
                                   QStringLiteral("Peek at most N bytes (default 1024, at most 1M; K and M allowed)."),
                                   QStringLiteral("N"), QString::number(DefaultBytes));
    const QCommandLineOption hex(QStringLiteral("hex"), QStringLiteral("Print a hex dump (hexdump -C)."));
    parser.addOptions({ bytes, hex });
    parser.addPositionalArgument(QStringLiteral("PID:FD"), QStringLiteral("The process and its fd."));
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), parser.helpText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one PID:FD, e.g. 812:0"), parser.helpText());
    QString error;
    const std::optional<PidFd> target = parsePidFd(parser.positionalArguments().constFirst(), &error);
    if (!target)
        return usageError(error, parser.helpText());
    const std::optional<qint64> count = parseByteCount(parser.value(bytes), MaxBytes, QStringLiteral("-n"), &error);
    if (!count)
        return usageError(error, parser.helpText());
    if (!processExists(target->pid))
        return noProcess("peek", target->pid);

    SafeProbe::Options options;
    options.peekBytes = *count;
    const SafeProbeResult result = SafeProbe::probeTarget(PipeProbe::forProcessFd(target->pid, target->fd), options);
    if (result.refusal)
        return failure(refusalText(result));
    if (!result.sample.ok)
        return failure(result.sample.error.message());
    if (!result.peeked)
        return failure(result.peekError.message());
    const PipeSample &sample = result.sample;
    const QByteArray *peeked = &*result.peeked;
    if (parser.isSet(hex)) {
        QTextStream(stdout) << hexDump(*peeked);
    } else {
        qsizetype done = 0;
        while (done < peeked->size()) {
            const ssize_t n = Sys::write(1, peeked->constData() + done, size_t(peeked->size() - done));
            if (n <= 0)
                return failure(QStringLiteral("write stdout: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
            done += n;
        }
    }
    QTextStream(stderr) << QStringLiteral("peeked %1 of %2 queued bytes (capacity %3) without consuming them\n")
                                   .arg(peeked->size())
                                   .arg(sample.queued)
                                   .arg(sample.capacity);
    return ExitOk;
}

} // namespace

PIPESCOPE_REGISTER_COMMAND("peek", "Show the bytes queued in PID:FD's pipe without consuming them",
                           runPeek)

} // namespace PipeScope::App
