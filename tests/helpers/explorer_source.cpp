// explorer_source BYTES CHUNK [hold|exit] [SEED]: writes BYTES deterministic pseudo-random bytes
// (xorshift32 from SEED, default 1) to stdout in blocking writes of CHUNK bytes (CHUNK 0: sizes
// vary from 1 to 65536), then exits ("exit", the default) or keeps stdout open until killed
// ("hold"). Writes go through an EINTR loop; a short write continues where it stopped.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace {

std::uint32_t next(std::uint32_t &state)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

bool writeAll(const unsigned char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(1, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: explorer_source BYTES CHUNK [hold|exit] [SEED]\n");
        return 2;
    }
    long long remaining = std::atoll(argv[1]);
    const long chunk = std::atol(argv[2]);
    const bool hold = argc > 3 && std::strcmp(argv[3], "hold") == 0;
    std::uint32_t state = argc > 4 ? std::uint32_t(std::strtoul(argv[4], nullptr, 10)) : 1u;
    if (state == 0)
        state = 1;
    std::uint32_t sizes = 12345;
    std::vector<unsigned char> buffer(65536);
    while (remaining > 0) {
        long size = chunk > 0 ? chunk : long(next(sizes) % 65536) + 1;
        if (size > remaining)
            size = long(remaining);
        if (buffer.size() < size_t(size))
            buffer.resize(size_t(size));
        for (long i = 0; i < size; ++i)
            buffer[size_t(i)] = static_cast<unsigned char>(next(state) >> 24);
        if (!writeAll(buffer.data(), size_t(size))) {
            std::perror("explorer_source: write");
            return 1;
        }
        remaining -= size;
    }
    if (hold) {
        for (;;)
            ::pause();
    }
    return 0;
}
