#pragma once
// The functions `regcheck regress` covers: every `regcheck eval` closed form, with its parameters
// (the eval registry's names), its 50-digit reference (theory/reference/) and its input grid.
#include "theory/reference/real50.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regcheck::regress {

using theory::reference::Real50;
// Inputs by parameter name, as `regcheck eval` takes them (a scalar is a one-element list).
using Args = std::map<std::string, std::vector<double>>;
// The reference output (one entry for scalar functions, one per component for group-prox), or
// nullopt when the input is outside the function's domain in exact arithmetic.
using Reference = std::optional<std::vector<Real50>>;

struct FunctionSpec {
  std::string name;
  std::vector<std::string> params;  // the eval parameter names, in eval's order
  std::vector<bool> is_list;        // per parameter: a list (group-prox v, effective-params eigs)
  bool vector_valued = false;       // returns a vector (group-prox), one per list input entry
  std::function<Reference(const Args&)> reference;
  std::function<std::vector<Args>()> grid;  // the table's inputs, regimes and edges included
};

// All covered functions, in the eval registry's order. Throws std::logic_error if the eval
// registry and the references disagree (a function without a reference, or renamed parameters).
const std::vector<FunctionSpec>& functions();
// The spec named `name`; throws std::invalid_argument naming it and the allowed names.
const FunctionSpec& function(const std::string& name);

// The double result of the current build for one input (std::invalid_argument when the build
// refuses the input). The default evaluates through the eval registry, i.e. exactly what
// `regcheck eval` prints; tests substitute a perturbed one.
using Evaluator = std::function<std::vector<double>(const FunctionSpec&, const Args&)>;
Evaluator build_evaluator();

// The 50-digit reference of `spec` at `args`, with results beyond DBL_MAX in magnitude taken as
// "no double value" (nullopt): there the build must refuse the input.
Reference reference_value(const FunctionSpec& spec, const Args& args);

// "y=1.5, lambda=2, a=0.5": inputs printed round-trip (17 significant digits, lists joined by ';').
std::string describe(const FunctionSpec& spec, const Args& args);
// A double printed round-trip (%.17g).
std::string number_text(double x);
// A list cell: the entries printed by `print`, joined by ';' (the list encoding of the tables).
template <class T, class Print>
std::string join_list(const std::vector<T>& v, Print print) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ';';
    s += print(v[i]);
  }
  return s;
}

}  // namespace regcheck::regress
