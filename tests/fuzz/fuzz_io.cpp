// libFuzzer harness: /proc/PID/io, read by the pipeline meter every sample.
#include "fuzzsupport.h"

#include <pipescope/procparsers.h>

#include <cstdint>
#include <map>

using namespace PipeScope;

namespace {

/// The reference reading of proc(5)'s format: "key: decimal" lines, the last one of a key
/// wins; only lines whose value is plain digits (after blanks) that fit 64 bits count.
std::map<QByteArray, quint64> referenceFields(const QByteArray &text)
{
    std::map<QByteArray, quint64> fields;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray digits = line.mid(colon + 1).trimmed();
        bool plain = !digits.isEmpty();
        for (const char c : digits)
            plain = plain && c >= '0' && c <= '9';
        bool fits = false;
        const quint64 value = digits.toULongLong(&fits);
        if (plain && fits)
            fields[line.left(colon)] = value;
    }
    return fields;
}

/// A line "KEY:..." (whatever its value).
bool hasKey(const QByteArray &text, const QByteArray &key)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(key + ':'))
            return true;
    }
    return false;
}

QByteArray formatted(const ProcIo &io)
{
    return "rchar: " + QByteArray::number(io.rchar) + "\nwchar: " + QByteArray::number(io.wchar)
         + "\nsyscr: " + QByteArray::number(io.syscr) + "\nsyscw: " + QByteArray::number(io.syscw)
         + "\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<ProcIo> io = ProcParsers::parseIo(text);
    const std::map<QByteArray, quint64> reference = referenceFields(text);
    const bool haveBoth = reference.count("rchar") && reference.count("wchar");
    if (haveBoth)
        FUZZ_CHECK(io.has_value(), "refused a file with an rchar and a wchar line");
    if (!io)
        return 0;
    // Accepted: what the parser read must be in the text (no value made up, none from a
    // neighbouring line), and reading its own output back gives the same numbers.
    for (const auto &[key, value] : { std::pair { "rchar", io->rchar }, { "wchar", io->wchar },
                                      { "syscr", io->syscr }, { "syscw", io->syscw } }) {
        const auto it = reference.find(key);
        if (it != reference.end())
            FUZZ_CHECK(it->second == value, "a value differs from the file's last line of its key");
    }
    FUZZ_CHECK(hasKey(text, "rchar"), "accepted without an rchar line");
    FUZZ_CHECK(hasKey(text, "wchar"), "accepted without a wchar line");
    const std::optional<ProcIo> again = ProcParsers::parseIo(formatted(*io));
    FUZZ_CHECK(again && again->rchar == io->rchar && again->wchar == io->wchar
                       && again->syscr == io->syscr && again->syscw == io->syscw,
               "io does not read back its own formatting");
    return 0;
}
