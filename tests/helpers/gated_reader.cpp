// gated_reader [PAUSE_US]: holds its stdin (a pipe) unread until one byte (or EOF) arrives on
// fd 3, the gate; then reads stdin to EOF in 4096-byte reads, sleeping PAUSE_US between reads
// (a slow reader), and prints "<bytes> <fnv1a64 as 16 hex digits>\n" on stdout.
// Lets a test inspect a pipe held by another process while it is full and untouched.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace {

ssize_t readRetrying(int fd, void *buffer, size_t size)
{
    ssize_t n;
    do {
        n = ::read(fd, buffer, size);
    } while (n < 0 && errno == EINTR);
    return n;
}

} // namespace

int main(int argc, char **argv)
{
    const long pauseUs = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 0;
    char gate;
    if (readRetrying(3, &gate, 1) < 0) {
        std::perror("gated_reader: read gate fd 3");
        return 2;
    }
    std::uint64_t hash = 14695981039346656037ULL;
    unsigned long long total = 0;
    unsigned char buffer[4096];
    for (;;) {
        const ssize_t n = readRetrying(0, buffer, sizeof buffer);
        if (n < 0) {
            std::perror("gated_reader: read stdin");
            return 1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; ++i)
            hash = (hash ^ buffer[i]) * 1099511628211ULL;
        total += static_cast<unsigned long long>(n);
        if (pauseUs > 0)
            ::usleep(static_cast<useconds_t>(pauseUs));
    }
    std::printf("%llu %016llx\n", total, static_cast<unsigned long long>(hash));
    return 0;
}
