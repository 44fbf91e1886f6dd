#pragma once

#include "pipescopeexport.h"
#include "sys.h"

#include <utility>

namespace PipeScope {

/// Owns one file descriptor. -1 means "none"; close() is idempotent; move-only.
class PIPESCOPE_CORE_EXPORT Fd
{
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) { }
    ~Fd() { close(); }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&other) noexcept : m_fd(other.release()) { }
    Fd &operator=(Fd &&other) noexcept
    {
        if (this != &other)
            reset(other.release());
        return *this;
    }

    int get() const { return m_fd; }
    bool isValid() const { return m_fd >= 0; }
    explicit operator bool() const { return isValid(); }

    /// Gives up ownership without closing.
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd = -1)
    {
        Sys::close(std::exchange(m_fd, fd));
    }
    void close() { reset(); }

private:
    int m_fd = -1;
};

} // namespace PipeScope
