// The what-if parameters planners change most, each an edit of the scenario exactly as `--set` writes
// it (so the parser validates it with the CLI's own messages): certificates, era (signatures per
// certificate), HSM signatures/s and count, decision delay, deadline, ARI share, window and Retry-After,
// fabric speed, WAN bandwidth and the incident's background transfers.
#pragma once

#include <QWidget>
#include <functional>
#include <vector>

#include "models/scenario_document.hpp"

class QFormLayout;
class QLabel;
class QLineEdit;
class QComboBox;
class QCheckBox;

namespace surge::gui {

class Workbench;

/// The parameter form over a Workbench.
class ParameterPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ParameterPanel(Workbench& workbench, QWidget* parent = nullptr);

  /// The field for a parameter by its label ("deadline", "HSM signatures/s"), for tests and scripts.
  QLineEdit* field(const QString& label) const;
  /// The message of the last rejected edit ("" when the last edit was accepted).
  QString error() const;

 private:
  struct Field {
    QString label;
    QLineEdit* edit = nullptr;
    std::function<QString(const ScenarioDocument&)> current;  // as written, or the effective value
    std::function<std::vector<Override>(const ScenarioDocument&, const QString&)> edits;
  };
  static Field textField(const std::string& path);
  void addField(const QString& label, const QString& tip, Field f);
  void addEraBox();
  void addHsmFields();
  void addNetworkFields();
  void addTransfersBox();
  void refresh();
  void commit(Field& f);

  Workbench& workbench_;
  QFormLayout* form_ = nullptr;
  QComboBox* era_ = nullptr;
  QCheckBox* transfers_ = nullptr;
  QLabel* error_ = nullptr;
  std::vector<Field> fields_;
  bool refreshing_ = false;
};

}  // namespace surge::gui
