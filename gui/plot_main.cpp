// surge-plot: renders a sweep's results as PNG, off-screen (`surge plot` runs this program).
//   surge-plot DIR --x PARAM [--y PARAM] --metric NAME -o OUT.png
// Exit codes: 0 ok, 2 bad input (no results, an unknown parameter or metric), 3 the PNG cannot be written.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QSaveFile>
#include <cstdio>

#include "gui/sweep_plot.hpp"
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
  cli.addOptions({x, y, metric, out});
  if (!cli.parse(QApplication::arguments())) return fail(kExitBadInput, cli.errorText());
  if (cli.isSet("help")) cli.showHelp(0);
  if (cli.positionalArguments().size() != 1)
    return fail(kExitBadInput, "one results directory, e.g. surge plot out/sweep --x ...");
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
