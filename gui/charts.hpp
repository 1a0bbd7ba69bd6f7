// The workbench's charts (Qt Charts), built from a Report: certificates replaced over time against the
// deadline and the target, queue length per stage, utilisation per resource with the bottleneck
// highlighted, bytes per link, and the sensitivity tornado. Each point shows its value on hover.
#pragma once

#include <QString>
#include <QtCharts/QChart>

#include "models/report.hpp"

namespace surge::gui {

/// Column index in a report's series, or -1.
int series_column(const Report& r, const std::string& name);

/// Replaced and revoked (affected certificates) over time, with the deadline and the target; the
/// analytic completion as a marker when given.
QChart* progress_chart(const Report& simulated, const Report* analytic);
/// Certificates waiting per stage (HSM per data center, network, DB writer) over time.
QChart* queue_chart(const Report& simulated);
/// Mean and peak utilisation per resource (links that carried nothing left out), the bottleneck in red.
QChart* utilisation_chart(const Report& r);
/// Bytes carried per link (issuance and transfers), largest first.
QChart* link_bytes_chart(const Report& r);
/// Hours saved by +10% capacity of each resource (analytic), largest first: the bottleneck on top.
QChart* tornado_chart(const Report& analytic);

/// Colour for a utilisation in [0, 1]: green, through amber, to red.
QColor utilisation_colour(double u);

}  // namespace surge::gui
