#include "manifest/diagnostics.hpp"

namespace grhost::manifest {
namespace {
std::string joined(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const Diagnostic& d : list) {
    if (!out.empty()) out += "\n";
    out += d.str();
  }
  return out;
}
}  // namespace

ManifestError::ManifestError(std::vector<Diagnostic> diagnostics)
    : UserError(joined(diagnostics)), diagnostics_(std::move(diagnostics)) {}

void Diagnostics::throw_if_any() const {
  if (!list_.empty()) throw ManifestError(list_);
}

}  // namespace grhost::manifest
