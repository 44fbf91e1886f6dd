// Built only with PIPESCOPE_TSAN=ON: a deliberate data race that tests/run-tsan.sh requires
// ThreadSanitizer to report, so a TSan step that reports nothing is known to be able to.
#include <cstdio>
#include <thread>

namespace {
int shared = 0; // written by two threads without a lock: the race TSan must see
}

int main()
{
    std::thread other([] { ++shared; });
    ++shared;
    other.join();
    std::printf("shared = %d\n", shared);
    return 0;
}
