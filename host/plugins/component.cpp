#include "plugins/component.hpp"

namespace grhost::plugins {

const char* kind_name(grhost_kind kind) {
  switch (kind) {
    case GRHOST_KIND_DATASET: return "dataset";
    case GRHOST_KIND_MODEL: return "model";
    case GRHOST_KIND_ATTACK: return "attack";
    case GRHOST_KIND_TASK: return "task";
  }
  return "unknown kind";
}

std::string Component::describe() const {
  return std::string(kind_name(kind)) + " '" + id + "' (" + file() + ")";
}

}  // namespace grhost::plugins
