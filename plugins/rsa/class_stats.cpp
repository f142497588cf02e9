#include "class_stats.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <stdexcept>

namespace grhost::rsa {
namespace {

std::string class_label(const std::vector<std::string>& names, int64_t c) {
  std::string s = "class " + std::to_string(c);
  if (c < static_cast<int64_t>(names.size())) s += " ('" + names[static_cast<size_t>(c)] + "')";
  return s;
}

}  // namespace

ClassStats class_stats(const float* features, int64_t rows, int64_t dim, const int64_t* labels, int64_t classes,
                       const std::vector<std::string>& class_names, Spread spread, int ddof, int threads) {
  if (classes < 2) throw std::invalid_argument("an RDM needs at least 2 classes, got " + std::to_string(classes));
  if (dim < 1) throw std::invalid_argument("the features have no dimensions");
  ClassStats s;
  s.classes = classes;
  s.dim = dim;
  s.spread = spread;
  s.count.assign(static_cast<size_t>(classes), 0);
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(classes));
  for (int64_t r = 0; r < rows; ++r) {
    if (labels[r] < 0 || labels[r] >= classes)
      throw std::invalid_argument("label " + std::to_string(labels[r]) + " at row " + std::to_string(r) +
                                  " is outside the dataset's " + std::to_string(classes) + " classes");
    members[static_cast<size_t>(labels[r])].push_back(r);
  }
  s.one_per_class = true;
  for (int64_t c = 0; c < classes; ++c) {
    const int64_t n = static_cast<int64_t>(members[static_cast<size_t>(c)].size());
    if (n == 0) throw std::invalid_argument(class_label(class_names, c) + " has no samples; every class needs one");
    s.count[static_cast<size_t>(c)] = n;
    s.one_per_class = s.one_per_class && n == 1;
  }
  // A language model's one vector per class has no spread: its RDM is the
  // plain distance, so only vision-like inputs need ddof's rows.
  if (!s.one_per_class)
    for (int64_t c = 0; c < classes; ++c)
      if (s.count[static_cast<size_t>(c)] <= ddof)
        throw std::invalid_argument(class_label(class_names, c) + " has " + std::to_string(s.count[static_cast<size_t>(c)]) +
                                    " sample(s); a spread with ddof " + std::to_string(ddof) + " needs more than " +
                                    std::to_string(ddof));

  s.mean.assign(static_cast<size_t>(classes * dim), 0.0);
  s.variance.assign(static_cast<size_t>(spread == Spread::dimension ? classes * dim : classes), 0.0);
  tbb::task_arena arena(std::max(1, threads));
  arena.execute([&] {
    tbb::parallel_for(int64_t{0}, classes, [&](int64_t c) {
      const auto& idx = members[static_cast<size_t>(c)];
      const int64_t n = static_cast<int64_t>(idx.size());
      // The class's rows as x̂, in double: each is read three times below.
      std::vector<double> unit(static_cast<size_t>(n * dim));
      for (int64_t k = 0; k < n; ++k) {
        const float* x = features + idx[static_cast<size_t>(k)] * dim;
        double ss = 0;
        for (int64_t d = 0; d < dim; ++d) {
          if (!std::isfinite(x[d]))
            throw std::invalid_argument("row " + std::to_string(idx[static_cast<size_t>(k)]) + " (" +
                                        class_label(class_names, c) + ") has a non-finite value at dimension " +
                                        std::to_string(d));
          ss += static_cast<double>(x[d]) * x[d];
        }
        const double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;  // a zero row stays zero
        for (int64_t d = 0; d < dim; ++d) unit[static_cast<size_t>(k * dim + d)] = x[d] * inv;
      }
      double* mu = &s.mean[static_cast<size_t>(c * dim)];
      for (int64_t k = 0; k < n; ++k)
        for (int64_t d = 0; d < dim; ++d) mu[d] += unit[static_cast<size_t>(k * dim + d)];
      for (int64_t d = 0; d < dim; ++d) mu[d] /= static_cast<double>(n);
      if (s.one_per_class) return;
      // Deviations from the mean, not E[x²] − E[x]², which loses every digit
      // when a class is tight.
      if (spread == Spread::dimension) {
        double* var = &s.variance[static_cast<size_t>(c * dim)];
        for (int64_t k = 0; k < n; ++k)
          for (int64_t d = 0; d < dim; ++d) {
            const double dev = unit[static_cast<size_t>(k * dim + d)] - mu[d];
            var[d] += dev * dev;
          }
        for (int64_t d = 0; d < dim; ++d) var[d] /= static_cast<double>(n - ddof);
      } else {
        // One std over all n × dim values around their single mean.
        double grand = 0;
        for (int64_t d = 0; d < dim; ++d) grand += mu[d];
        grand /= static_cast<double>(dim);
        double total = 0;
        for (double u : unit) total += (u - grand) * (u - grand);
        s.variance[static_cast<size_t>(c)] = total / (static_cast<double>(n * dim) - ddof);
      }
    });
  });
  return s;
}

}  // namespace grhost::rsa
