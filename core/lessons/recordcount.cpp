#include "recordcount.h"

#include <climits>

#include <cstring>

namespace PipeScope {

RecordCount RecordCount::of(const QByteArray &data, qint64 record)
{
    RecordCount count;
    count.bytesA = data.count('A');
    count.bytesB = data.size() - count.bytesA;
    for (qint64 at = 0; at + record <= data.size(); at += record) {
        ++count.records;
        const char first = data.at(at);
        const char *begin = data.constData() + at;
        // A torn record mixes letters: the other writer's bytes landed inside it.
        if (std::memchr(begin, first == 'A' ? 'B' : 'A', size_t(record)))
            ++count.torn;
    }
    return count;
}

bool RecordCount::complete(qint64 perWriter) const
{
    return finished && bytesA == perWriter && bytesB == perWriter;
}

QString RecordCount::text() const
{
    return QStringLiteral("%1 torn of %2 records (%3 + %4 bytes)")
        .arg(torn)
        .arg(records)
        .arg(bytesA)
        .arg(bytesB);
}

QVariantMap RecordCount::values(qint64 record) const
{
    return {{QStringLiteral("record"), record},
            {QStringLiteral("records"), records},
            {QStringLiteral("torn"), torn},
            {QStringLiteral("bytesA"), bytesA},
            {QStringLiteral("bytesB"), bytesB}};
}

void raceUntilTorn(const RecordRace &race, qint64 record, int rounds,
                   const std::function<Observation(const RecordCount &, int round)> &observe,
                   const StepDone &done, int round)
{
    race(record, [=](const RecordCount &count, const QString &error) {
        if (!error.isEmpty())
            return done(Observation::failure(error));
        if (count.torn == 0 && round < rounds)
            return raceUntilTorn(race, record, rounds, observe, done, round + 1);
        done(observe(count, round));
    });
}

void smallRecordsWhole(const RecordRace &race, qint64 perWriter, const QString &why,
                       const StepDone &done)
{
    race(PIPE_BUF, [perWriter, why, done](const RecordCount &count, const QString &error) {
        if (!error.isEmpty())
            return done(Observation::failure(error));
        Observation o = Observation::check(count.complete(perWriter) && count.torn == 0, count.text(), why);
        o.values = count.values(PIPE_BUF);
        done(o);
    });
}

void largeRecordsMayTear(const RecordRace &race, qint64 perWriter, qint64 record, int rounds,
                         const TearingWhy &why, const StepDone &done)
{
    const auto observe = [perWriter, record, why](const RecordCount &count, int round) {
        Observation o = Observation::check(
            count.complete(perWriter),
            count.text() + (round > 1 ? QStringLiteral(", in round %1").arg(round) : QString()));
        o.why = count.torn > 0 ? why.torn : why.lucky;
        o.values = count.values(record);
        o.values.insert(QStringLiteral("rounds"), round);
        return o;
    };
    raceUntilTorn(race, record, rounds, observe, done);
}

} // namespace PipeScope
