// A program outside PipeScope, built against an installed copy: sends bytes through the
// transports, then finds the same pipe with the kernel probe and the explorer, and splits a
// pipeline as the meter does. One call per installed part, so a symbol the library forgot to
// export fails this build. Exit 0 if every answer is right.
#include <pipescope/pipediagnostics.h>
#include <pipescope/pipelinesplitter.h>
#include <pipescope/pipeopeners.h>
#include <pipescope/pipeprobe.h>
#include <pipescope/processstate.h>
#include <pipescope/procscanner.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/snapshotformat.h>
#include <pipescope/writepipetransport.h>

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace {

bool check(bool ok, const char *what)
{
    std::printf("%s: %s\n", what, ok ? "ok" : "WRONG");
    return ok;
}

// Our own pipe, as the probe and the explorer see it while it holds 5 bytes.
bool observeOwnPipe()
{
    using namespace PipeScope;
    Error error;
    const std::optional<PipeFds> fds = Openers::anonymousPipe(&error);
    if (!fds)
        return check(false, qPrintable(error.message()));
    const bool written = ::write(fds->write, "hello", 5) == 5;
    const PipeSample sample = PipeProbe::forFd(fds->read).sample();
    ScanOptions options;
    options.pids = { qint64(::getpid()) };
    SystemSnapshot snapshot = ProcScanner().scan(options);
    PipeDiagnostics::annotate(snapshot);
    const PipeInfo *pipe = snapshot.pipe({ PipeKind::Pipe, 0, sample.inode });
    const ProcessState self = ProcessState::read(::getpid());
    const bool ok = check(written && sample.ok && sample.queued == 5, "probe: 5 bytes queued")
            & check(pipe && pipe->queued == 5 && pipe->endpoints.size() == 2, "explorer: our pipe, both ends")
            & check(SnapshotFormat::toJson(snapshot).contains(QStringLiteral("pipes")), "snapshot JSON")
            & check(self.activity() == ProcessState::Activity::Running, "process state: running");
    ::close(fds->read);
    ::close(fds->write);
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    PipeScope::ReadPipeTransport reader;
    PipeScope::WritePipeTransport writer;
    PipeScope::Error error;
    if (!PipeScope::Openers::openAnonymousPipe(&reader, &writer, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error.message()));
        return 1;
    }
    const QByteArray sent(200000, 'p');
    QByteArray received;
    QObject::connect(&reader, &PipeScope::ReadPipeTransport::dataReceived,
                     [&](const QByteArray &data) { received += data; });
    QObject::connect(&reader, &PipeScope::PipeTransport::connectionLost, &app, &QCoreApplication::quit);
    QTimer::singleShot(10000, &app, [&] { app.exit(2); });
    writer.write(sent);
    writer.writeEof();
    const int status = app.exec();
    std::printf("received %lld of %lld bytes\n", qlonglong(received.size()), qlonglong(sent.size()));
    const bool transported = status == 0 && received == sent;
    const bool observed = observeOwnPipe();
    const bool split = check(PipeScope::PipelineSplitter::split(QStringLiteral("yes | head -c 5 | wc -c")).stages.size() == 3,
                             "meter: a pipeline of 3 stages");
    return transported && observed && split ? 0 : 1;
}
