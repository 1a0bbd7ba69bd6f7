#include "gui/parameter_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "gui/workbench.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

constexpr double kGiga = 1e9;
constexpr int kComboMinimumCharacters = 12;
const QString kEraTip = QStringLiteral("workload.era: HSM signatures per revoked-and-replaced certificate");

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

// The same edit for every data center: data_centers.<name>.<suffix>=value.
std::vector<Override> for_each_dc(const ScenarioDocument& d, const std::string& suffix, const QString& value) {
  std::vector<Override> out;
  for (const DataCenter& dc : d.scenario().data_centers)
    out.push_back({"data_centers." + dc.name + "." + suffix, value.toStdString()});
  return out;
}

}  // namespace

ParameterPanel::ParameterPanel(Workbench& workbench, QWidget* parent) : QWidget(parent), workbench_(workbench) {
  auto* outer = new QVBoxLayout(this);
  form_ = new QFormLayout;
  // Narrow panel: a row whose label and field do not fit side by side puts its label above the field rather
  // than pushing the panel wider than its scroll area (labels would hide behind a horizontal scroll bar).
  form_->setRowWrapPolicy(QFormLayout::WrapLongRows);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  outer->addLayout(form_);
  addField("certificates", "Affected certificates to revoke and replace (e.g. 200M)",
           textField("workload.certificates"));
  addEraBox();
  addHsmFields();
  addField("decision delay", "Time from discovery to the decision to revoke and replace (e.g. 4h)",
           textField("incident.decision_delay"));
  addField("deadline", "Every affected certificate revoked by then, after discovery (e.g. 24h)",
           textField("incident.deadline"));
  addField("ARI share", "Share of clients that poll ARI (e.g. 80%)", textField("clients.ari_share"));
  addField("ARI window start", "Renewal window served, from the decision (0h: already open)",
           textField("clients.window.start"));
  addField("ARI window end", "End of the served window, from the decision", textField("clients.window.end"));
  addField("Retry-After", "ARI poll interval served (e.g. 6h)", textField("clients.retry_after"));
  addNetworkFields();
  addTransfersBox();
  error_ = new QLabel;
  error_->setWordWrap(true);
  error_->setStyleSheet("color: #b00000; font-family: monospace;");
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  outer->addWidget(error_);
  outer->addStretch(1);
  connect(&workbench_, &Workbench::changed, this, [this] {
    error_->clear();
    refresh();
  });
  connect(&workbench_, &Workbench::rejected, this, [this](const QString& message) { error_->setText(message); });
  if (workbench_.isOpen()) refresh();
}

// A field that edits one scenario path, shown as written.
ParameterPanel::Field ParameterPanel::textField(const std::string& path) {
  return Field{{},
               nullptr,
               [path](const ScenarioDocument& d) { return q(d.value(path)); },
               [path](const ScenarioDocument&, const QString& v) {
                 return std::vector<Override>{{path, v.toStdString()}};
               }};
}

// The era: the signatures per certificate.
void ParameterPanel::addEraBox() {
  era_ = new QComboBox;
  era_->addItem("seed-2021: 3 signatures (OCSP revoke, cert, OCSP)", "seed-2021");
  era_->addItem("precert-2021: 4 (precert, cert, 2 OCSP)", "precert-2021");
  era_->addItem("crl: 2 (precert, cert) + CRL shards", "crl");
  era_->setToolTip(kEraTip);
  // Its items are long: the closed box takes the panel's width (eliding), the open list shows them whole.
  era_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  era_->setMinimumContentsLength(kComboMinimumCharacters);
  form_->addRow("signatures per certificate", era_);
  connect(era_, &QComboBox::currentIndexChanged, this, [this] {
    era_->setToolTip(kEraTip + "\n" + era_->currentText());  // the whole item, which the box may elide
    if (!refreshing_) workbench_.edit({{"workload.era", era_->currentData().toString().toStdString()}});
  });
}

// Every data center's HSM members: their rate and how many.
void ParameterPanel::addHsmFields() {
  addField(
      "HSM signatures/s", "Signatures/s of one HSM member, every data center (e.g. 10k/s)",
      Field{{},
            nullptr,
            [](const ScenarioDocument& d) {
              const DataCenter& dc = d.scenario().data_centers.front();
              const std::string written = d.value("data_centers." + dc.name + ".hsm.signatures_per_s");
              return written.empty() ? QString::number(dc.hsm.signatures_per_s) + "/s" : q(written);
            },
            [](const ScenarioDocument& d, const QString& v) { return for_each_dc(d, "hsm.signatures_per_s", v); }});
  addField("HSMs per data center", "Members of each data center's HSM group (a pair is 2)",
           Field{{},
                 nullptr,
                 [](const ScenarioDocument& d) { return QString::number(d.scenario().data_centers.front().hsm_count); },
                 [](const ScenarioDocument& d, const QString& v) { return for_each_dc(d, "hsm.count", v); }});
}

// The fabric's NICs and the WAN links, every one alike.
void ParameterPanel::addNetworkFields() {
  addField("fabric speed", "Every host NIC in every data center (e.g. 1Gbps, 25Gbps)",
           Field{{},
                 nullptr,
                 [](const ScenarioDocument& d) {
                   const FabricSpec& f = d.scenario().data_centers.front().fabric;
                   return QString("%1Gbps").arg(f.bandwidth_Bps * kBitsPerByte / kGiga, 0, 'g', 6);
                 },
                 [](const ScenarioDocument& d, const QString& v) {
                   std::vector<Override> out;
                   for (const DataCenter& dc : d.scenario().data_centers)
                     out.push_back({"data_centers." + dc.name + ".fabric",
                                    "{model: " + dc.fabric.model + ", bandwidth: " + v.toStdString() + "}"});
                   return out;
                 }});
  addField("WAN bandwidth", "Every WAN link, each direction (e.g. 10Gbps)",
           Field{{},
                 nullptr,
                 [](const ScenarioDocument& d) {
                   if (d.scenario().wan.empty()) return QString();
                   return QString("%1Gbps").arg(d.scenario().wan.front().bandwidth_Bps * kBitsPerByte / kGiga, 0, 'g',
                                                6);
                 },
                 [](const ScenarioDocument& d, const QString& v) {
                   std::vector<Override> out;
                   for (size_t i = 0; i < d.scenario().wan.size(); ++i)
                     out.push_back({"wan." + std::to_string(i) + ".bandwidth", v.toStdString()});
                   return out;
                 }});
}

// The scenario's background transfers, on or off.
void ParameterPanel::addTransfersBox() {
  transfers_ = new QCheckBox("as the scenario writes them");
  transfers_->setToolTip("Backups, replica rebuilds and forensic logs sharing the network (off: transfers=[])");
  form_->addRow("background transfers", transfers_);
  connect(transfers_, &QCheckBox::toggled, this, [this](bool on) {
    if (!refreshing_) workbench_.edit({{"transfers", on ? "" : "[]"}}, on ? "transfers on" : "transfers off");
  });
}

void ParameterPanel::addField(const QString& label, const QString& tip, Field f) {
  f.label = label;
  f.edit = new QLineEdit;
  f.edit->setToolTip(tip);
  f.edit->setObjectName(label);
  form_->addRow(label, f.edit);
  fields_.push_back(f);
  const size_t index = fields_.size() - 1;
  connect(f.edit, &QLineEdit::editingFinished, this, [this, index] { commit(fields_[index]); });
}

QLineEdit* ParameterPanel::field(const QString& label) const {
  for (const Field& f : fields_)
    if (f.label == label) return f.edit;
  return nullptr;
}

QString ParameterPanel::error() const {
  return error_->text();
}

void ParameterPanel::commit(Field& f) {
  if (refreshing_ || !workbench_.isOpen()) return;
  const QString text = f.edit->text().trimmed();
  if (text == f.current(workbench_.document())) return;  // nothing changed
  if (!workbench_.edit(f.edits(workbench_.document(), text))) f.edit->setStyleSheet("background: #ffe0e0;");
}

void ParameterPanel::refresh() {
  if (!workbench_.isOpen()) return;
  refreshing_ = true;
  const ScenarioDocument& d = workbench_.document();
  for (Field& f : fields_) {
    f.edit->setText(f.current(d));
    f.edit->setStyleSheet({});
    f.edit->setEnabled(true);
  }
  // A scenario written with client classes has no single ARI share: its classes' shares sum to 1.
  if (QLineEdit* ari = field("ARI share"); ari && !d.value("clients.classes").empty()) {
    ari->setEnabled(false);
    ari->setText("per class (clients.classes)");
  }
  era_->setCurrentIndex(std::max(0, era_->findData(q(era_name(d.scenario().workload.era)))));
  transfers_->setChecked(d.value("transfers") != "[]");
  transfers_->setEnabled(!d.scenario().transfers.empty() || d.value("transfers") == "[]");
  refreshing_ = false;
}

}  // namespace surge::gui
