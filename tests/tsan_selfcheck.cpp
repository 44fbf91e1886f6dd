// Built only with PIPESCOPE_TSAN=ON: a deliberate data race that tests/run-tsan.sh requires
// ThreadSanitizer to report, so a TSan step that reports nothing is known to be able to.
#include <cstdio>
#include <thread>

namespace {
int shared = 0; // written by two threads without a lock: the race TSan must see

// Many unsynchronised stores each, kept apart by a compiler barrier so they are not folded into
// one: a single store per thread was missed in about 1 run of 2 when the new thread had
// already finished before the main thread's store.
void hammer()
{
    for (int i = 0; i < 200000; ++i) {
        ++shared;
        asm volatile("" ::: "memory");
    }
}
} // namespace

int main()
{
    std::thread other(hammer);
    hammer();
    other.join();
    std::printf("shared = %d\n", shared);
    return 0;
}
