// surge-plot: renders a sweep's results, or a twin's curves, as PNG, off-screen (`surge plot` runs it).
//   surge-plot DIR --x PARAM [--y PARAM] --metric NAME -o OUT.png
//   surge-plot DIR --twin -o OUT.png      (DIR: a `surge twin` result)
// Exit codes: 0 ok, 2 bad input (no results, an unknown parameter or metric), 3 the PNG cannot be written.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QSaveFile>
#include <cstdio>

#include "gui/sweep_plot.hpp"
#include "gui/twin_chart.hpp"
#include "models/exit_codes.hpp"

namespace {

using surge::kExitBadInput;
using surge::kExitRuntime;

int fail(int code, const QString& message) {
  std::fprintf(stderr, "surge plot: %s\n", message.toLocal8Bit().constData());
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setApplicationName("surge plot");
  QCommandLineParser cli;
  cli.setApplicationDescription(
      "Chart a sweep's results: a metric against one parameter with 95% confidence bands, "
      "or a heat map over two parameters marking where the deadline is met.");
  cli.addHelpOption();
  cli.addPositionalArgument("dir", "The sweep's --out directory (results.csv)");
  const QCommandLineOption x("x", "Parameter on the horizontal axis", "PARAM");
  const QCommandLineOption y("y", "Second parameter: a heat map", "PARAM");
  const QCommandLineOption metric("metric", "Metric to plot, e.g. completion_time_s", "NAME");
  const QCommandLineOption out({"o", "out"}, "PNG to write", "OUT.png");
  const QCommandLineOption twin("twin", "DIR is a `surge twin` result: its predicted and measured curves");
  cli.addOptions({x, y, metric, out, twin});
  if (!cli.parse(QApplication::arguments())) return fail(kExitBadInput, cli.errorText());
  if (cli.isSet("help")) cli.showHelp(0);
  if (cli.positionalArguments().size() != 1)
    return fail(kExitBadInput, "one results directory, e.g. surge plot out/sweep --x ...");
  if (cli.isSet(twin)) {
    if (!cli.isSet(out)) return fail(kExitBadInput, "--out is required");
    surge::gui::TwinResult result;
    QString error;
    if (!surge::gui::read_twin_result(cli.positionalArguments().first(), result, error))
      return fail(kExitBadInput, error);
    QSaveFile f(cli.value(out));
    if (!f.open(QIODevice::WriteOnly) || !surge::gui::twin_image(result).save(&f, "PNG") || !f.commit())
      return fail(kExitRuntime, "cannot write " + cli.value(out));
    return 0;
  }
  for (const auto* o : {&x, &metric, &out})
    if (!cli.isSet(*o)) return fail(kExitBadInput, "--" + o->names().last() + " is required");

  surge::gui::SweepTable table;
  QString error;
  if (!surge::gui::read_sweep_table(QDir(cli.positionalArguments().first()).filePath("results.csv"), table, error))
    return fail(kExitBadInput, error);
  surge::gui::PlotRequest req;
  req.x = cli.value(x);
  req.y = cli.value(y);
  req.metric = cli.value(metric);
  QImage image;
  if (!surge::gui::render_sweep_plot(table, req, image, error)) return fail(kExitBadInput, error);
  QSaveFile f(cli.value(out));
  if (!f.open(QIODevice::WriteOnly) || !image.save(&f, "PNG") || !f.commit())
    return fail(kExitRuntime, "cannot write " + cli.value(out));
  return 0;
}
