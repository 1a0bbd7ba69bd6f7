// surge-gui: the planner's workbench.
//   surge-gui [SCENARIO]
//   surge-gui --screenshot OUT.png [--down NAME]... [--set path=value]... [--wait-simulation] [--seed N] SCENARIO
// The second form renders the workbench with that what-if applied, writes the PNG and exits: for reports
// and docs. Exit codes: 0 ok, 2 bad input, 3 runtime failure (the simulation failed, the PNG not written).
#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QImageWriter>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>

#include "gui/main_window.hpp"
#include "models/exit_codes.hpp"
#include "models/heap.hpp"
#include "models/scenario_parser.hpp"

namespace {

using surge::kExitBadInput;
using surge::kExitRuntime;

int fail(int code, const QString& message) {
  std::fprintf(stderr, "surge-gui: %s\n", message.toLocal8Bit().constData());
  return code;
}

// What a --down name means: a data center, an HSM member, the DB writer or a WAN link.
std::optional<std::pair<surge::FailureKind, QString>> outage_of(const surge::Scenario& s, const QString& name) {
  if (s.data_center_index(name.toStdString()) >= 0) return std::pair{surge::FailureKind::DATA_CENTER, name};
  if (name.contains("/hsm-")) return std::pair{surge::FailureKind::HSM, name};
  if (name == "db-writer") return std::pair{surge::FailureKind::DB_WRITER, QString()};
  if (name.startsWith("ct:")) return std::pair{surge::FailureKind::CT_LOG, name.mid(3)};
  if (name.contains('-')) return std::pair{surge::FailureKind::LINK, name};
  return std::nullopt;
}

// The what-if asked on the command line: --set edits, then --down outages from the start. 0, or the exit
// code after the message of what was refused.
int apply_what_if(surge::gui::Workbench& bench, const QStringList& sets, const QStringList& downs) {
  QString rejected;
  // Only while this function runs: `rejected` lives here (the window lives on in interactive mode).
  struct Disconnect {
    QMetaObject::Connection c;
    ~Disconnect() { QObject::disconnect(c); }
  } listening{QObject::connect(&bench, &surge::gui::Workbench::rejected, [&](const QString& m) { rejected = m; })};
  std::vector<surge::Override> edits;
  for (const QString& s : sets) {
    try {
      edits.push_back(surge::parse_override(s.toStdString()));
    } catch (const surge::ScenarioError& e) {
      return fail(kExitBadInput, e.what());
    }
  }
  if (!edits.empty() && !bench.edit(edits)) return fail(kExitBadInput, rejected);
  for (const QString& name : downs) {
    const auto outage = outage_of(bench.document().scenario(), name);
    if (!outage) return fail(kExitBadInput, "--down: '" + name + "' is not a data center, HSM, db-writer or WAN link");
    if (!bench.setDown(outage->first, outage->second, 0.0)) return fail(kExitBadInput, rejected);
  }
  return 0;
}

// Scripted: render, after the simulation if asked, then write the PNG whole or not at all.
int write_screenshot(surge::gui::MainWindow& window, bool wait_simulation, const QString& path) {
  surge::gui::Workbench& bench = window.workbench();
  window.show();
  if (wait_simulation) {
    QEventLoop loop;
    QString failure;
    QObject::connect(&bench, &surge::gui::Workbench::simulationFinished, &loop, &QEventLoop::quit);
    QObject::connect(&bench, &surge::gui::Workbench::simulationFailed, &loop, [&](const QString& m) {
      failure = m;
      loop.quit();
    });
    bench.simulate();
    loop.exec();
    if (!failure.isEmpty()) return fail(kExitRuntime, "the simulation failed: " + failure);
  }
  QApplication::processEvents();
  const QImage image = window.grab().toImage();
  QSaveFile out(path);
  if (!out.open(QIODevice::WriteOnly) || !image.save(&out, "PNG") || !out.commit())
    return fail(kExitRuntime, "cannot write " + path);
  std::printf("%s\n", window.summaryText().toLocal8Bit().constData());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  surge::keep_freed_heap();
  QApplication app(argc, argv);
  QApplication::setApplicationName("surge-gui");
  QApplication::setApplicationVersion(SURGE_VERSION);

  QCommandLineParser cli;
  cli.setApplicationDescription("surge workbench: one-data-center-down what-ifs for a CA's mass revoke-and-reissue.");
  cli.addHelpOption();
  cli.addVersionOption();
  cli.addPositionalArgument("scenario", "Scenario YAML file to open");
  const QCommandLineOption screenshot("screenshot", "Render the workbench into OUT.png and exit", "OUT.png");
  const QCommandLineOption down("down",
                                "Take NAME down from the start: a data center, dc/hsm-N, db-writer, a WAN link "
                                "(dc1-dc2) or a CT log (ct:NAME); repeatable",
                                "NAME");
  const QCommandLineOption set("set", "Override a scenario field as `surge run --set` does; repeatable", "path=value");
  const QCommandLineOption wait("wait-simulation", "With --screenshot: wait for the simulation and show its answer");
  const QCommandLineOption seed("seed", "Random seed for the simulations (default: the scenario's)", "N");
  cli.addOptions({screenshot, down, set, wait, seed});
  cli.process(app);

  const QStringList files = cli.positionalArguments();
  const bool scripted = cli.isSet(screenshot);
  if (scripted && files.size() != 1) return fail(kExitBadInput, "--screenshot needs exactly one scenario file");
  if (files.size() > 1) return fail(kExitBadInput, "one scenario at a time");

  surge::gui::MainWindow window;
  surge::gui::Workbench& bench = window.workbench();
  if (cli.isSet(seed)) {
    bool ok = false;
    const qulonglong n = cli.value(seed).toULongLong(&ok);
    if (!ok) return fail(kExitBadInput, "--seed: '" + cli.value(seed) + "' is not a number");
    bench.setSeed(n);
  }
  if (scripted) bench.setAutoSimulate(false);  // one simulation, of the final state
  if (!files.isEmpty()) {
    QString error;
    if (!window.openScenario(files.first(), &error, scripted)) {
      if (scripted) return fail(kExitBadInput, error);
    }
  }
  if (bench.isOpen())
    if (const int code = apply_what_if(bench, cli.values(set), cli.values(down)); code != 0) return code;
  if (!scripted) {
    window.show();
    return app.exec();
  }
  return write_screenshot(window, cli.isSet(wait), cli.value(screenshot));
}
