#include "claims/core/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>

namespace regcheck::claims {

Registry::Registry(std::vector<std::string> sources) : sources_(std::move(sources)) {
  if (sources_.empty()) throw std::invalid_argument("Registry: no source given (allowed: one or more names of [a-z0-9_-])");
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const std::string& s = sources_[i];
    const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    });
    if (!ok) throw std::invalid_argument(fmt::format("Registry: source '{}' is not allowed (allowed: a non-empty name of [a-z0-9_-])", s));
    if (std::find(sources_.begin(), sources_.begin() + static_cast<std::ptrdiff_t>(i), s) != sources_.begin() + static_cast<std::ptrdiff_t>(i))
      throw std::invalid_argument(fmt::format("Registry: source '{}' given twice", s));
  }
}

void Registry::add(Claim c) {
  if (c.id.empty() || !c.check) throw std::invalid_argument("Registry::add: claim needs an id and a check");
  if (std::find(sources_.begin(), sources_.end(), c.source) == sources_.end())
    throw std::invalid_argument("Registry::add: claim '" + c.id + "' has unknown source '" + c.source + "'");
  if (c.id.rfind(c.source + ".", 0) != 0)
    throw std::invalid_argument("Registry::add: claim '" + c.id + "' must start with its source '" + c.source + ".'");
  if (find(c.id)) throw std::invalid_argument("Registry::add: duplicate claim id '" + c.id + "'");
  if (c.mc_tests < 0) throw std::invalid_argument("Registry::add: claim '" + c.id + "' has mc_tests < 0");
  claims_.push_back(std::move(c));
}

const Claim* Registry::find(const std::string& id) const {
  for (const Claim& c : claims_)
    if (c.id == id) return &c;
  return nullptr;
}

int Registry::total_mc_tests() const {
  int n = 0;
  for (const Claim& c : claims_) n += c.mc_tests;
  return n;
}

void check_bonferroni_accounting(const Claim& c, const CheckContext& ctx, ClaimResult& r) {
  if (r.verdict == Verdict::Error) return;  // the check did not finish: its count means nothing
  int performed = 0;
  std::vector<std::string> bad_alpha;
  for (const CheckRecord& rec : r.checks) {
    if (rec.method != "monte-carlo") continue;
    ++performed;
    if (rec.alpha != ctx.alpha_per_test) bad_alpha.push_back(fmt::format("'{}' at alpha {}", rec.name, rec.alpha.value_or(NAN)));
  }
  std::string detail;
  if (performed != c.mc_tests)
    detail = fmt::format("performed {} Monte Carlo tests but declares Claim::mc_tests = {}: the Bonferroni divisor "
                         "(the registry's total of mc_tests) is wrong, so alpha per test is not alpha / total",
                         performed, c.mc_tests);
  if (!bad_alpha.empty())
    detail += fmt::format("{}Monte Carlo test(s) not at the run's alpha per test {}: {}", detail.empty() ? "" : "; ",
                          ctx.alpha_per_test, fmt::join(bad_alpha, ", "));
  if (detail.empty()) return;
  CheckRecord err;
  err.name = "engine: Bonferroni accounting";
  err.method = "error";
  err.verdict = Verdict::Error;
  err.detail = detail;
  r.checks.push_back(err);
  summarize(r);
}

ClaimResult Registry::run(const Claim& c, const CheckContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  ClaimResult r;
  try {
    r = c.check(ctx);
  } catch (const std::exception& e) {
    r = ClaimResult{};
    CheckRecord err;
    err.name = "check raised";
    err.method = "error";
    err.verdict = Verdict::Error;
    err.detail = e.what();
    r.checks.push_back(err);
    summarize(r);
  }
  check_bonferroni_accounting(c, ctx, r);
  r.id = c.id;
  r.source = c.source;
  if (r.method.empty()) r.method = c.method;
  if (r.statement.empty()) r.statement = c.statement;
  r.expected = c.expected;
  if (r.finding.empty()) r.finding = c.finding;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void EvalRegistry::add(EvalFunction f) {
  if (f.name.empty() || !f.eval) throw std::invalid_argument("EvalRegistry::add: function needs a name and eval");
  if (find(f.name)) throw std::invalid_argument("EvalRegistry::add: duplicate eval function '" + f.name + "'");
  functions_.push_back(std::move(f));
}

const EvalFunction* EvalRegistry::find(const std::string& name) const {
  for (const EvalFunction& f : functions_)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace regcheck::claims
