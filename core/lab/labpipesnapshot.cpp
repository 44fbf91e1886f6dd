// LabPipe's state as values for the views: the states in words' order, rates, the snapshot.
#include "labpipe.h"

#include "fifowriteropener.h"
#include "labchild.h"
#include "labgenerator.h"
#include "labslowconsumer.h"
#include "readpipetransport.h"
#include "sys.h"
#include "writepipetransport.h"

namespace PipeScope {

LabPipe::ReaderState LabPipe::readerState() const
{
    if (!m_reader)
        return ReaderState::External;
    if (m_reader->isLost()) {
        if (m_eof)
            return ReaderState::Eof;
        return m_reader->error() ? ReaderState::Failed : ReaderState::Closed;
    }
    if (!m_reader->isOpen())
        return ReaderState::NotOpen;
    if (m_reader->isClosing())
        return m_eof ? ReaderState::Eof : ReaderState::Closing;
    if (m_userPaused)
        return ReaderState::Paused;
    if (m_consumer->isThrottling())
        return ReaderState::Throttled;
    return m_reader->isPaused() ? ReaderState::Paused : ReaderState::Reading;
}

LabPipe::WriterState LabPipe::writerState() const
{
    if (!m_writer)
        return WriterState::External;
    if (m_writer->isLost()) {
        if (m_writer->error() == EPIPE)
            return WriterState::Broken;
        return m_writer->error() ? WriterState::Failed : WriterState::Closed;
    }
    if (m_fifoOpener && m_fifoOpener->isWaiting())
        return WriterState::WaitingForReader;
    if (!m_writer->isOpen())
        return WriterState::NotOpen;
    if (m_writer->isClosing())
        return WriterState::Closing;
    return m_writer->isWritingPaused() ? WriterState::WritingPaused : WriterState::Writing;
}

void LabPipe::sampleRates(qint64 nowNs)
{
    const quint64 written = m_writer ? m_writer->bytesWritten() : 0;
    const quint64 read = bytesRead();
    if (m_lastSampleNs >= 0 && nowNs > m_lastSampleNs) {
        const double seconds = double(nowNs - m_lastSampleNs) / 1e9;
        m_history.push_back({ double(written - m_lastWritten) / seconds,
                              double(read - m_lastRead) / seconds });
        while (m_history.size() > size_t(HistorySize))
            m_history.pop_front();
    }
    m_lastSampleNs = nowNs;
    m_lastWritten = written;
    m_lastRead = read;
}

namespace {

/// The mean of the newest \a n samples: a one-second rate from quarter-second samples.
LabPipe::RateSample recentRate(const std::deque<LabPipe::RateSample> &history, size_t n)
{
    LabPipe::RateSample sum;
    const size_t count = std::min(n, history.size());
    for (size_t i = history.size() - count; i < history.size(); ++i) {
        sum.written += history[i].written;
        sum.read += history[i].read;
    }
    if (count) {
        sum.written /= double(count);
        sum.read /= double(count);
    }
    return sum;
}

} // namespace

LabPipeSnapshot LabPipe::snapshot() const
{
    LabPipeSnapshot s;
    s.id = m_id;
    s.name = m_name;
    s.kind = m_kind;
    s.detail = m_child ? m_child->commandLine() : m_fifoPath;
    s.writerState = writerState();
    s.readerState = readerState();
    if (m_writer && m_writer->error())
        s.writerError = errnoText(m_writer->error());
    if (m_reader && m_reader->error())
        s.readerError = errnoText(m_reader->error());
    if (const int fd = kernelFd(); fd >= 0) {
        // Two syscalls on an fd we hold; PipeProbe::sample() would also fstat and readlink,
        // which a 10 Hz refresh of hundreds of pipes does not need.
        s.queued = Sys::queuedBytes(fd);
        s.capacity = Sys::fcntl(fd, F_GETPIPE_SZ);
    }
    if (m_writer) {
        s.writeBufferSize = m_writer->writeBufferSize() + m_pendingUntilOpen.size();
        s.lowWater = m_writer->writeBufferLimits().first;
        s.highWater = m_writer->writeBufferLimits().second;
        s.generatorRunning = m_generator->isRunning();
        s.generatorRate = m_generator->rate();
        s.generatorChunk = m_generator->chunkSize();
    }
    s.bytesWritten = bytesWritten();
    s.bytesRead = bytesRead();
    const RateSample rate = recentRate(m_history, 4);
    s.writeRate = rate.written;
    s.readRate = rate.read;
    if (m_consumer)
        s.readerMaxRate = m_consumer->maxRate();
    if (m_child) {
        s.childPid = int(m_child->pid());
        s.childRunning = m_child->isRunning();
        const LabProcState proc = m_child->procState();
        s.childState = m_child->isRunning() ? proc.text() : m_child->stateText();
        s.childBlocked = proc.activity() == LabProcState::Activity::BlockedReading
                || proc.activity() == LabProcState::Activity::BlockedWriting;
        s.childBlockedWriting = proc.activity() == LabProcState::Activity::BlockedWriting;
    }
    return s;
}

bool LabPipeSnapshot::operator==(const LabPipeSnapshot &o) const
{
    return id == o.id && name == o.name && kind == o.kind && detail == o.detail
            && writerState == o.writerState && readerState == o.readerState
            && writerError == o.writerError && readerError == o.readerError
            && queued == o.queued && capacity == o.capacity
            && writeBufferSize == o.writeBufferSize && lowWater == o.lowWater
            && highWater == o.highWater && bytesWritten == o.bytesWritten
            && bytesRead == o.bytesRead && writeRate == o.writeRate && readRate == o.readRate
            && generatorRunning == o.generatorRunning && generatorRate == o.generatorRate
            && generatorChunk == o.generatorChunk && readerMaxRate == o.readerMaxRate
            && childPid == o.childPid && childState == o.childState
            && childBlocked == o.childBlocked && childBlockedWriting == o.childBlockedWriting
            && childRunning == o.childRunning;
}

} // namespace PipeScope
