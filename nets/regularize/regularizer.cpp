#include "nets/regularize/regularizer.hpp"

#include <stdexcept>

namespace regcheck::nets::regularize {

std::string to_string(Kind k) {
  switch (k) {
    case Kind::None: return "none";
    case Kind::L2: return "l2";
    case Kind::L1: return "l1";
    case Kind::TL1: return "tl1";
    case Kind::GroupLasso: return "group-lasso";
    case Kind::SparseGroupLasso: return "sparse-group-lasso";
    case Kind::CGES: return "cges";
    case Kind::IntegratedTL1: return "integrated-tl1";
  }
  return "?";
}

Kind kind_from_string(const std::string& s) {
  for (Kind k : {Kind::None, Kind::L2, Kind::L1, Kind::TL1, Kind::GroupLasso, Kind::SparseGroupLasso, Kind::CGES,
                 Kind::IntegratedTL1})
    if (to_string(k) == s) return k;
  throw std::invalid_argument("unknown regularizer '" + s +
                              "', expected one of none, l2, l1, tl1, group-lasso, sparse-group-lasso, cges, integrated-tl1");
}

std::vector<double> mu_linear(int layers, double mu_first, double mu_last) {
  REGCHECK_REQUIRE(layers >= 1, "mu_linear: layers must be >= 1, got " + std::to_string(layers));
  REGCHECK_REQUIRE(mu_first >= 0 && mu_first <= 1 && mu_last >= 0 && mu_last <= 1,
                  "mu_linear: mu_first and mu_last must be in [0, 1], got " + detail::num(mu_first) + " and " + detail::num(mu_last));
  std::vector<double> mu(static_cast<std::size_t>(layers));
  for (int l = 0; l < layers; ++l)
    mu[l] = layers == 1 ? mu_first : mu_first + (mu_last - mu_first) * static_cast<double>(l) / (layers - 1);
  return mu;
}

}  // namespace regcheck::nets::regularize
