// What "the workbench reads at its default size" means, checked on a shown window: shared by the offscreen
// test (tests/gui/readability_test.cpp) and the one on a real X server with real fonts (screenshot_test.cpp).
#pragma once

#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QStringList>

#include "gui/main_window.hpp"
#include "gui/parameter_panel.hpp"

namespace surge::testing {

/// The parameter panel's problems at the window's present size, one line each; empty when every label shows
/// whole: no horizontal scroll bar over the panel, and every label as wide as its text needs and inside the
/// panel's visible width.
inline QStringList parameter_panel_problems(gui::MainWindow& w) {
  QStringList problems;
  gui::ParameterPanel& panel = w.parameters();
  QScrollArea* scroll = nullptr;
  for (QWidget* p = panel.parentWidget(); p && !scroll; p = p->parentWidget()) scroll = qobject_cast<QScrollArea*>(p);
  if (!scroll) return {"the parameter panel is not in a scroll area"};
  if (scroll->horizontalScrollBar()->isVisible())
    problems << QString("horizontal scroll bar shown: panel needs %1 px, the viewport has %2")
                    .arg(panel.minimumSizeHint().width())
                    .arg(scroll->viewport()->width());
  const int visible_width = scroll->viewport()->width();
  for (QLabel* label : panel.findChildren<QLabel*>()) {
    if (!label->isVisible() || label->text().isEmpty()) continue;
    const int right = label->mapTo(scroll->viewport(), QPoint(label->width(), 0)).x();
    if (!label->wordWrap() && label->width() < label->sizeHint().width())
      problems
          << QString("'%1' is cut: %2 px of %3").arg(label->text()).arg(label->width()).arg(label->sizeHint().width());
    if (right > visible_width)
      problems << QString("'%1' ends at %2 px, past the visible %3").arg(label->text()).arg(right).arg(visible_width);
  }
  return problems;
}

}  // namespace surge::testing
