#pragma once
/// \file meterjson.h
/// The JSON lines of `pipescope run/attach --json` (schema: docs/meter-json.md), shared by the
/// CLI and the Pipeline page's export, so both write the same thing.

#include "pipescopeexport.h"
#include "metersnapshot.h"
#include "metersummary.h"

#include <QByteArray>
#include <QJsonObject>

namespace PipeScope::MeterJson {

/// {"type":"sample","t":..,"stages":[..],"pipes":[..],"bottleneck":{..}}
PIPESCOPE_CORE_EXPORT QJsonObject sample(const MeterSnapshot &snapshot);
/// {"type":"summary","duration":..,"exit_status":..,"stages":[..],"pipes":[..],"bottleneck":{..}}
PIPESCOPE_CORE_EXPORT QJsonObject summary(const MeterSummary &summary, bool pipefail = false);
PIPESCOPE_CORE_EXPORT QJsonObject bottleneck(const Bottleneck &bottleneck);
/// One compact line with its '\n'.
PIPESCOPE_CORE_EXPORT QByteArray line(const QJsonObject &object);

} // namespace PipeScope::MeterJson
