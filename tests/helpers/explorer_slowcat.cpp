// explorer_slowcat CHUNK DELAY_US: copies stdin to stdout, CHUNK bytes per read, sleeping
// DELAY_US after each read, so the pipe into it stays partly full for an observer to peek at.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <vector>

namespace {

ssize_t retry(ssize_t (*call)(int, void *, size_t), int fd, void *data, size_t size)
{
    ssize_t n;
    do {
        n = call(fd, data, size);
    } while (n < 0 && errno == EINTR);
    return n;
}

ssize_t writeOnce(int fd, void *data, size_t size)
{
    return ::write(fd, data, size);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: explorer_slowcat CHUNK DELAY_US\n");
        return 2;
    }
    std::vector<char> buffer(size_t(std::atol(argv[1])));
    const long delay = std::atol(argv[2]);
    for (;;) {
        const ssize_t n = retry(::read, 0, buffer.data(), buffer.size());
        if (n < 0) {
            std::perror("explorer_slowcat: read");
            return 1;
        }
        if (n == 0)
            return 0;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = retry(writeOnce, 1, buffer.data() + done, size_t(n - done));
            if (w <= 0) {
                std::perror("explorer_slowcat: write");
                return 1;
            }
            done += w;
        }
        if (delay > 0)
            ::usleep(useconds_t(delay));
    }
}
