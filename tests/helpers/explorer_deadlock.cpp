// explorer_deadlock MODE: two processes (this one and a forked child) connected by two pipes,
// A (parent -> child) and B (child -> parent), each end closed where it does not belong.
//   write:    each writes 1 MiB to its outgoing pipe without reading: both block on full pipes.
//   read:     each reads its incoming pipe before writing anything: both block on empty pipes.
//   selfleak: no child deadlock; the process forks a writer that writes 100 bytes and exits,
//             but forgets to close its own copy of the write end, then reads to EOF: it
//             blocks forever reading a pipe whose only write end it holds itself.
// Prints the child's pid on stdout ("child PID\n") once set up. Killed by the test.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

void die(const char *what)
{
    std::perror(what);
    _exit(1);
}

void writeForever(int fd)
{
    std::vector<char> block(1 << 20, 'x');
    for (;;) {
        if (::write(fd, block.data(), block.size()) < 0 && errno != EINTR)
            die("explorer_deadlock: write");
    }
}

void readForever(int fd)
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0)
            _exit(0);
        if (n < 0 && errno != EINTR)
            die("explorer_deadlock: read");
    }
}

int selfLeak()
{
    int p[2];
    if (::pipe(p) != 0)
        die("pipe");
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(p[0]);
        if (::write(p[1], "0123456789012345678901234567890123456789012345678901234567890123456789"
                          "012345678901234567890123456789", 100) != 100)
            _exit(1);
        _exit(0);
    }
    std::printf("child %d\n", int(child));
    std::fflush(stdout);
    ::waitpid(child, nullptr, 0);
    // The bug under test: p[1] is still open here, so the read below never sees EOF.
    readForever(p[0]);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "write";
    if (std::strcmp(mode, "selfleak") == 0)
        return selfLeak();
    int a[2], b[2];
    if (::pipe(a) != 0 || ::pipe(b) != 0)
        die("pipe");
    const bool writing = std::strcmp(mode, "write") == 0;
    const pid_t child = ::fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        ::close(a[1]);
        ::close(b[0]);
        // Die with the parent, so killing the parent leaves nothing behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (writing)
            writeForever(b[1]);
        readForever(a[0]);
    }
    ::close(a[0]);
    ::close(b[1]);
    std::printf("child %d\n", int(child));
    std::fflush(stdout);
    if (writing)
        writeForever(a[1]);
    readForever(b[0]);
    return 0;
}
