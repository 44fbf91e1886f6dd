#include "labgenerator.h"

#include "writepipetransport.h"

#include <algorithm>

namespace PipeScope {

namespace {

constexpr qsizetype BlockSize = 256 * 1024;

/// 4096 numbered 64-byte lines, so the data view shows where in the stream a byte is.
const QByteArray &textBlock()
{
    static const QByteArray block = [] {
        QByteArray out;
        out.reserve(BlockSize);
        const QByteArray tail = " the quick brown fox jumps over the lazy pipe 0123456789";
        for (int line = 0; out.size() < BlockSize; ++line) {
            const QByteArray text = "#" + QByteArray::number(line).rightJustified(5, '0') + tail;
            out += text.leftJustified(63, '.', true) + '\n';
        }
        return out;
    }();
    return block;
}

/// xorshift32 bytes: 256 KiB repeat far beyond gzip's 32 KiB window, so they do not compress.
const QByteArray &randomBlock()
{
    static const QByteArray block = [] {
        QByteArray out(BlockSize, Qt::Uninitialized);
        quint32 state = 2463534242u;
        for (qsizetype i = 0; i < out.size(); ++i) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            out[i] = char(state & 0xff);
        }
        return out;
    }();
    return block;
}

} // namespace

LabGenerator::LabGenerator(WritePipeTransport *writer, QObject *parent)
    : QObject(parent), m_writer(writer)
{
}

void LabGenerator::setRate(qint64 bytesPerSecond)
{
    m_rate = std::max<qint64>(0, bytesPerSecond);
    m_credit = 0;
}

void LabGenerator::setChunkSize(int bytes)
{
    m_chunk = std::clamp(bytes, 1, MaxChunk);
}

void LabGenerator::start()
{
    if (m_running)
        return;
    m_running = true;
    m_lastNs = -1;
    m_credit = 0;
    Q_EMIT runningChanged(true);
}

void LabGenerator::stop()
{
    if (!m_running)
        return;
    m_running = false;
    Q_EMIT runningChanged(false);
}

bool LabGenerator::canWrite() const
{
    return m_writer && m_writer->isOpen() && !m_writer->isClosing()
            && !m_writer->isWritingPaused();
}

void LabGenerator::tick(qint64 nowNs)
{
    if (!m_running)
        return;
    if (!canWrite()) {
        // No debt while the pipe cannot take data: resuming does not burst.
        m_lastNs = nowNs;
        m_credit = 0;
        return;
    }
    const qint64 elapsed = m_lastNs < 0 ? 0 : nowNs - m_lastNs;
    m_lastNs = nowNs;
    qint64 budget = MaxPerTick;
    if (m_rate > 0) {
        // Credit for up to half a second, so a stalled event loop does not cause a burst.
        m_credit = std::min(m_credit + double(m_rate) * double(elapsed) / 1e9,
                            std::max(double(m_chunk), double(m_rate) / 2));
        budget = std::min<qint64>(budget, qint64(m_credit));
    }
    qint64 written = 0;
    while (written + m_chunk <= budget && canWrite()) {
        m_writer->write(nextChunk(m_chunk));
        written += m_chunk;
    }
    m_generated += quint64(written);
    if (m_rate > 0)
        m_credit -= double(written);
}

QByteArray LabGenerator::nextChunk(int size)
{
    const QByteArray &block = m_pattern == Pattern::Text ? textBlock() : randomBlock();
    QByteArray chunk;
    chunk.reserve(size);
    while (chunk.size() < size) {
        const qsizetype take = std::min<qsizetype>(size - chunk.size(), BlockSize - m_offset);
        chunk.append(block.constData() + m_offset, take);
        m_offset = (m_offset + take) % BlockSize;
    }
    return chunk;
}

} // namespace PipeScope
