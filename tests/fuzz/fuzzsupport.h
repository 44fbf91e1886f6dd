#pragma once
/// \file fuzzsupport.h
/// What the libFuzzer harnesses share: a check that aborts (so libFuzzer records the input as a
/// crash) when a parser breaks one of its documented promises, not only when it crashes.

#include <cstdio>
#include <cstdlib>

/// Aborts with \a what when \a condition is false; libFuzzer saves the input as crash-*.
#define FUZZ_CHECK(condition, what)                                                          \
    do {                                                                                     \
        if (!(condition)) {                                                                  \
            std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", what, __FILE__,      \
                         __LINE__);                                                          \
            std::abort();                                                                    \
        }                                                                                    \
    } while (false)
