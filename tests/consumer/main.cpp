// Sends bytes through an installed PipeScope's transports; exit 0 if they all arrive.
#include <pipescope/pipeopeners.h>
#include <pipescope/readpipetransport.h>
#include <pipescope/writepipetransport.h>

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    PipeScope::ReadPipeTransport reader;
    PipeScope::WritePipeTransport writer;
    QString error;
    if (!PipeScope::Openers::openAnonymousPipe(&reader, &writer, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
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
    return status == 0 && received == sent ? 0 : 1;
}
