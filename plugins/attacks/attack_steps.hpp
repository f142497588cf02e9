// The arithmetic of gradient attacks on a batch of images, each image a row
// of `dim` floats: the cross-entropy cotangent, the step directions of the
// L∞ and L2 norms, the projections onto their ε-balls, and random starts.
// Plain loops over CPU floats: the model's forward and backward passes
// dominate an attack's time, and the attack needs no tensor library, so any
// model backend can be attacked.
#pragma once

#include <cstdint>
#include <vector>

namespace grhost::attacks {

enum class Norm { linf, l2 };

/// A batch of n images of dim values each (row-major).
struct Batch {
  int64_t n = 0, dim = 0;
  std::vector<float> values;
  float* row(int64_t i) { return values.data() + i * dim; }
  const float* row(int64_t i) const { return values.data() + i * dim; }
};

/// d(sum of cross-entropies) / d logits = softmax(logits) − onehot(labels),
/// for n x k logits. Throws std::invalid_argument for a label outside [0, k).
std::vector<float> cross_entropy_cotangent(const float* logits, int64_t n, int64_t k, const int64_t* labels);

/// One PGD step per image i, in place: x ← clip(x0 + Π_εᵢ(x + αᵢ · direction(g) − x0))
/// with direction sign(g) for L∞ and g / max(‖g‖₂, 1e-12) for L2, the
/// projection Π_εᵢ onto the norm's ball of radius epsilon[i], and the clip
/// to [lower, upper]. `g` holds n x dim values; `sign` is +1 to ascend, −1
/// to descend; step_size and epsilon have one entry per image.
void step_and_project(Batch& x, const Batch& x0, const float* g, Norm norm, const std::vector<double>& step_size,
                      double sign, const std::vector<double>& epsilon, float lower, float upper);

/// x0 plus a uniform draw from each image's ball of radius epsilon[i] (L∞:
/// a cube; L2: the ball, as the first dim coordinates of a uniform point on
/// the sphere in dim + 2 dimensions), clipped to [lower, upper].
Batch random_start(const Batch& x0, Norm norm, const std::vector<double>& epsilon, float lower, float upper, uint64_t seed);

}  // namespace grhost::attacks
