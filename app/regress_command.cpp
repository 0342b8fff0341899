// regcheck regress: numeric-accuracy regression of every `regcheck eval` function against the
// 50-digit reference tables in regress/tables/ and the stored baseline regress/baseline.json;
// --against checks a user's values (a CSV) against the references. The logic lives in regress/.
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "regress/baseline.hpp"
#include "regress/tables.hpp"
#include "regress/trajectory.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace regcheck::app {

namespace {

struct RegressOptions {
  std::string tables = "regress/tables", baseline = "regress/baseline.json", trajectories = "regress/trajectories";
  std::string json, markdown, generate, against, function;
  std::optional<double> budget_ulps;
  bool bless = false;
};

void write_reports(const RegressOptions& o, const std::vector<regress::Stats>& stats, const std::vector<regress::Verdict>& v,
                   const std::vector<regress::Drift>& drifts = {}) {
  if (!o.json.empty()) {
    nlohmann::json j = regress::json_report(stats, v);
    if (!drifts.empty()) {
      j["trajectories"] = regress::drift_json(drifts);
      for (const regress::Drift& d : drifts)
        if (d.regressed) j["verdict"] = "regressed";
    }
    write_atomically(o.json, j.dump(2) + "\n");
  }
  if (!o.markdown.empty()) {
    std::string md = regress::markdown_report(stats, v);
    if (!drifts.empty()) md += '\n' + regress::drift_markdown(drifts);
    write_atomically(o.markdown, md);
  }
}

int generate(const RegressOptions& o) {
  std::error_code ec;
  if (!std::filesystem::is_directory(o.generate, ec))
    throw UsageError(fmt::format("--generate-tables: folder '{}' does not exist (allowed: an existing folder)", o.generate));
  std::vector<std::pair<std::string, std::string>> files;  // everything computed before anything is written
  for (const regress::FunctionSpec& f : regress::functions())
    files.emplace_back(o.generate + "/" + f.name + ".csv", regress::table_csv(f, regress::generate_table(f)));
  for (const auto& [path, content] : files) {
    write_atomically(path, content);
    std::cout << "wrote " << path << "\n";
  }
  return 0;
}

int against(const RegressOptions& o) {
  const regress::FunctionSpec& f = regress::function(o.function);
  const std::vector<regress::Observation> obs = regress::read_against(f, o.against);
  const regress::Stats s = regress::measure(f.name, obs);
  const double budget = o.budget_ulps.value_or(4.0);
  std::cout << regress::text_report({s}, {});
  std::cout << "worst rows:\n";
  for (const regress::RowError& r : s.worst)
    std::cout << fmt::format("  row {} (line {}) {}: {:.4g} ulps, LRE {:.2f}, value {}, 50-digit reference {}\n", r.row, r.line,
                             r.input, r.ulps, r.lre, r.got, r.ref);
  regress::Verdict v{.function = f.name, .regressed = false, .has_baseline = false, .old_max = 0, .old_mean = 0,
                     .budget_max = budget, .line = {}};
  for (const regress::RowError& r : s.all)
    if (!(r.ulps <= budget)) {
      v.regressed = true;
      v.line = fmt::format("{}: {}: row {} (line {}) {}: value {} is {:.4g} ulps from the 50-digit reference {} (budget {} ulps)",
                           o.against, f.name, r.row, r.line, r.input, r.got, r.ulps, r.ref, budget);
      break;
    }
  write_reports(o, {s}, {v});
  std::cout << (v.regressed ? "FAIL " + v.line : fmt::format("PASS: every row within {} ulps", budget)) << "\n";
  return v.regressed ? 1 : 0;
}

int run(const RegressOptions& o) {
  std::error_code ec;
  if (!std::filesystem::is_directory(o.tables, ec))
    throw UsageError(fmt::format("--tables: folder '{}' not found (run from the repository root or pass --tables DIR)", o.tables));
  const std::vector<regress::Stats> stats = regress::run_tables(o.tables, regress::build_evaluator());
  if (o.bless) {
    check_writable("--baseline", o.baseline);
    if (!std::filesystem::is_directory(o.trajectories, ec))
      throw UsageError(fmt::format("--trajectories: folder '{}' not found (allowed: an existing folder)", o.trajectories));
    const auto traj = regress::bless_trajectories(o.trajectories);
    write_atomically(o.baseline, regress::baseline_json(stats).dump(2) + "\n");
    for (const auto& [path, content] : traj) write_atomically(path, content);
    std::cout << regress::text_report(stats, {});
    write_reports(o, stats, {});
    std::cout << "blessed: wrote " << o.baseline << " and " << traj.size() << " trajectories in " << o.trajectories << "\n";
    return 0;
  }
  std::ifstream in(o.baseline);
  if (!in) throw UsageError(fmt::format("--baseline: cannot read '{}' (write one with --bless)", o.baseline));
  nlohmann::json base;
  try {
    base = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("--baseline: '{}' is not JSON: {}", o.baseline, e.what()));
  }
  std::vector<regress::Verdict> verdicts;
  try {
    verdicts = regress::compare(base, stats);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--baseline: '{}': {}", o.baseline, e.what()));
  }
  const std::vector<regress::Drift> drifts = regress::run_trajectories(o.trajectories);
  std::cout << regress::text_report(stats, verdicts) << "\n" << regress::drift_text(drifts);
  write_reports(o, stats, verdicts, drifts);
  int status = 0;
  for (const regress::Verdict& v : verdicts)
    if (v.regressed) {
      std::cout << "REGRESSION " << v.line << "\n";
      status = 1;
    }
  for (const regress::Drift& d : drifts)
    if (d.regressed) {
      std::cout << "REGRESSION " << d.line << "\n";
      status = 1;
    }
  if (status == 0)
    std::cout << "ok: every function within its budget of " << o.baseline << ", every trajectory within "
              << regress::kTrajectoryBudget << " relative\n";
  return status;
}

}  // namespace

Runner add_regress_command(CLI::App& app) {
  auto o = std::make_shared<RegressOptions>();
  CLI::App* cmd = app.add_subcommand("regress", "Numeric-accuracy regression against 50-digit reference tables and a baseline");
  cmd->add_option("--tables", o->tables, "folder of the reference tables <function>.csv")->capture_default_str();
  cmd->add_option("--baseline", o->baseline, "stored baseline (JSON)")->capture_default_str();
  cmd->add_option("--trajectories", o->trajectories, "folder of the golden training trajectories <config>.json")
      ->capture_default_str();
  auto* bless = cmd->add_flag("--bless", o->bless, "write this build's figures as the new baseline (atomically)");
  cmd->add_option("--json", o->json, "also write the report as JSON to FILE");
  cmd->add_option("--markdown", o->markdown, "also write the report as a markdown table to FILE");
  auto* gen = cmd->add_option("--generate-tables", o->generate,
                              "recompute every reference table in 50 digits and write DIR/<function>.csv (atomically)");
  auto* ag = cmd->add_option("--against", o->against, "check a CSV of your implementation's values (columns: the function's "
                                                     "eval parameters and value) against the 50-digit references");
  auto* fn = cmd->add_option("--function", o->function, "the eval function your CSV implements (with --against)");
  auto* bu = cmd->add_option("--budget-ulps", o->budget_ulps, "largest allowed error per row in ulps (with --against; default 4)");
  fn->needs(ag);
  ag->needs(fn);
  bu->needs(ag);
  ag->excludes(bless)->excludes(gen);
  gen->excludes(bless);
  return [o]() -> int {
    if (o->budget_ulps && !(*o->budget_ulps >= 0))
      throw UsageError(fmt::format("--budget-ulps: value {} is not allowed (allowed: a number >= 0)", *o->budget_ulps));
    if (!o->json.empty()) check_writable("--json", o->json);
    if (!o->markdown.empty()) check_writable("--markdown", o->markdown);
    if (!o->generate.empty()) return generate(*o);
    if (!o->against.empty()) return against(*o);
    return run(*o);
  };
}

}  // namespace regcheck::app
