#include "svhn_mat_file.hpp"

#include <matio.h>

#include <climits>
#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace grhost::svhn {
namespace {

struct MatCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

constexpr const char* kExpectX = "uint8 of 32 x 32 x 3 x N";
constexpr const char* kExpectY = "double of N x 1";

const char* class_name(matio_classes c) {
  switch (c) {
    case MAT_C_DOUBLE: return "double";
    case MAT_C_SINGLE: return "single";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    case MAT_C_CHAR: return "char";
    case MAT_C_CELL: return "a cell array";
    case MAT_C_STRUCT: return "a struct";
    case MAT_C_SPARSE: return "sparse";
    default: return "of another class";
  }
}

std::string dims_text(const matvar_t& v) {
  std::string out;
  for (int d = 0; d < v.rank; ++d) out += (d == 0 ? "" : " x ") + std::to_string(v.dims[d]);
  return out;
}

// Shortest text of a label as read ("3.5", "11"), for messages.
std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// "X and y", "X", "no variables": what the file holds, for a missing-variable message.
std::string variable_names(mat_t* mat) {
  std::vector<std::string> names;
  Mat_Rewind(mat);
  while (MatVar v{Mat_VarReadNextInfo(mat)}) names.emplace_back(v->name != nullptr ? v->name : "?");
  Mat_Rewind(mat);
  if (names.empty()) return "no variables";
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

// The header of variable `name` (its data is read later), checked for class and rank.
MatVar read_info(mat_t* mat, const std::string& path, const char* name, matio_classes cls, int min_rank, int max_rank,
                 const char* expected) {
  MatVar v(Mat_VarReadInfo(mat, name));
  if (!v)
    throw std::runtime_error(path + ": no variable " + name + " (expected " + expected + "); it holds " +
                             variable_names(mat) + ", or is cut short");
  if (v->class_type != cls || v->isComplex)
    throw std::runtime_error(path + ": " + name + " is " + (v->isComplex ? "complex " : "") + class_name(v->class_type) +
                             ", expected " + expected);
  if (v->rank < min_rank || v->rank > max_rank)
    throw std::runtime_error(path + ": " + name + " has " + std::to_string(v->rank) + " dimensions (" + dims_text(*v) +
                             "), expected " + expected);
  return v;
}

// All elements of `v`, converted by matio to its class's C type, into `out`.
void read_data(mat_t* mat, matvar_t& v, void* out, const std::string& path) {
  size_t count = 1;
  for (int d = 0; d < v.rank; ++d) count *= v.dims[d];
  if (count == 0) return;
  // matio counts elements in int.
  if (count > static_cast<size_t>(INT_MAX))
    throw std::runtime_error(path + ": " + v.name + " has " + std::to_string(count) + " elements, more than matio can read at once");
  if (Mat_VarReadDataLinear(mat, &v, out, 0, 1, static_cast<int>(count)) != 0)
    throw std::runtime_error(path + ": cannot read the data of " + v.name + " (truncated or corrupt)");
}

}  // namespace

Digits read_digits(const std::string& path) {
  MatFile mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  if (!mat) throw std::runtime_error(path + ": cannot open as a MAT file");
  // MATLAB drops trailing singleton dimensions: one image is 32 x 32 x 3.
  MatVar x = read_info(mat.get(), path, "X", MAT_C_UINT8, 3, 4, kExpectX);
  if (x->dims[0] != kImageSide || x->dims[1] != kImageSide || x->dims[2] != 3)
    throw std::runtime_error(path + ": X is " + dims_text(*x) + ", expected " + kExpectX);
  MatVar y = read_info(mat.get(), path, "y", MAT_C_DOUBLE, 2, 2, kExpectY);
  if (y->dims[1] != 1) throw std::runtime_error(path + ": y is " + dims_text(*y) + ", expected " + kExpectY);
  const size_t n = x->rank == 4 ? x->dims[3] : 1;
  if (y->dims[0] != n)
    throw std::runtime_error(path + ": X holds " + std::to_string(n) + " images but y holds " + std::to_string(y->dims[0]) +
                             " labels");

  Digits d;
  d.images.resize(n * kImageBytes);
  read_data(mat.get(), *x, d.images.data(), path);
  std::vector<double> y_values(n);
  read_data(mat.get(), *y, y_values.data(), path);
  d.labels.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double v = y_values[i];
    if (!(v >= 1 && v <= 10 && v == std::floor(v)))  // also rejects NaN
      throw std::runtime_error(path + ": y at index " + std::to_string(i) + " is " + number_text(v) +
                               ", expected a whole number in 1..10 (10 stands for the digit 0)");
    d.labels[i] = static_cast<uint8_t>(static_cast<int>(v) % 10);
  }
  return d;
}

}  // namespace grhost::svhn
