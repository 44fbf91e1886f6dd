#pragma once
/// \file recordcount.h
/// Two writers ('A' and 'B') shared one pipe: how many fixed-size records came out whole and
/// how many tore (mixed both letters). Private to core/lessons (atomic-writes with processes,
/// threads-one-pipe with threads).

#include <QByteArray>
#include <QString>
#include <QVariantMap>

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

} // namespace PipeScope
