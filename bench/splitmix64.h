#pragma once
/// \file splitmix64.h
/// The soak's seeded stream (bench only): a small fast PRNG and the chunks made from it.

#include <QByteArray>

#include <cstring>

namespace PipeScope::Bench {

/// splitmix64 (Steele, Lea, Flood 2014; the seeder of xoshiro): a few cycles per 8 bytes, so
/// 10 GiB of content costs about a second next to the two SHA-256 passes.
class SplitMix64
{
public:
    explicit SplitMix64(quint64 seed) : m_state(seed) { }
    quint64 next()
    {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// In [0, n); the modulo bias is below 2^-40 for the small n used here.
    quint64 below(quint64 n) { return next() % n; }
    bool oneIn(quint64 n) { return below(n) == 0; }

private:
    quint64 m_state;
};

/// Uniform over octaves, then uniform inside one, so a 3-byte chunk is as likely as a 3 MiB
/// one (a uniform size would almost never be small). Range [2^0, 2^(maxLog2+1) - 1].
inline quint64 logUniform(SplitMix64 &rng, int maxLog2)
{
    const quint64 base = quint64(1) << rng.below(quint64(maxLog2) + 1);
    return base + rng.below(base);
}

/// \a size bytes of the stream (not zeros: a lost or repeated page would go unnoticed in zeros).
inline QByteArray randomChunk(SplitMix64 &rng, qsizetype size)
{
    QByteArray chunk(size, Qt::Uninitialized);
    char *out = chunk.data();
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        const quint64 word = rng.next();
        std::memcpy(out + i, &word, 8);
    }
    const quint64 tail = rng.next();
    std::memcpy(out + i, &tail, size_t(size - i));
    return chunk;
}

} // namespace PipeScope::Bench
