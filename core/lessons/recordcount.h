#pragma once
/// \file recordcount.h
/// Two writers ('A' and 'B') shared one pipe: how many fixed-size records came out whole and
/// how many tore (mixed both letters). Private to core/lessons (atomic-writes with processes,
/// threads-one-pipe with threads).

#include "lesson.h"

#include <QByteArray>
#include <QString>
#include <QVariantMap>

#include <functional>

namespace PipeScope {

struct RecordCount {
    qint64 records = 0;
    qint64 torn = 0;
    qint64 bytesA = 0;
    qint64 bytesB = 0;
    bool finished = false; ///< EOF seen and both writers done

    /// Counts \a data, read from the pipe, in records of \a record bytes.
    static RecordCount of(const QByteArray &data, qint64 record);
    /// Finished, and each writer's \a perWriter bytes all arrived.
    bool complete(qint64 perWriter) const;
    /// "3 torn of 128 records (4194304 + 4194304 bytes)".
    QString text() const;
    /// record, records, torn, bytesA, bytesB.
    QVariantMap values(qint64 record) const;
};

/// What a race reports: the count, or the error that kept it from running.
using RaceDone = std::function<void(const RecordCount &count, const QString &error)>;
/// Runs one race of \a record-byte records.
using RecordRace = std::function<void(qint64 record, const RaceDone &next)>;

/// Runs \a race up to \a rounds times while no record tore (tearing above PIPE_BUF is a race
/// the reader may win every time), then \a done gets observe(count, round) — or the error.
void raceUntilTorn(const RecordRace &race, qint64 record, int rounds,
                   const std::function<Observation(const RecordCount &, int round)> &observe,
                   const StepDone &done, int round = 1);

/// The step both lessons start with: races records of PIPE_BUF bytes once; it matches when
/// every one of each writer's \a perWriter bytes arrived and no record tore (a promise of
/// POSIX), explained by \a why.
void smallRecordsWhole(const RecordRace &race, qint64 perWriter, const QString &why,
                       const StepDone &done);

/// Why large records tore, or did not this time (each lesson says it in its own words).
struct TearingWhy {
    QString torn;
    QString lucky;
};

/// The step both lessons end with: races records of \a record bytes (above PIPE_BUF) up to
/// \a rounds times until one tears, then observes the count. It matches when each writer's
/// \a perWriter bytes all arrived: tearing is allowed by POSIX, never promised.
void largeRecordsMayTear(const RecordRace &race, qint64 perWriter, qint64 record, int rounds,
                         const TearingWhy &why, const StepDone &done);

} // namespace PipeScope
