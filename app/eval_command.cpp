// regcheck eval NAME --param value ...: one closed form, printed as a JSON object
// {"name", "inputs", "value"}; non-finite numbers are the strings "inf", "-inf", "nan" (as in
// verify); list parameters also accept @FILE or - (standard input).
#include "app/cli_support.hpp"
#include "app/commands.hpp"
#include "claims/core/registry.hpp"

#include <cmath>
#include <iostream>
#include <map>
#include <memory>

namespace regcheck::app {

namespace {
// JSON has no inf/NaN (nlohmann writes them as null): one convention with verify's output,
// the strings "inf", "-inf" and "nan" (README, section eval).
nlohmann::json non_finite_as_strings(nlohmann::json j) {
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    const double v = j.get<double>();
    return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  }
  if (j.is_array() || j.is_object())
    for (auto& e : j) e = non_finite_as_strings(e);
  return j;
}
}  // namespace

Runner add_eval_command(CLI::App& app) {
  CLI::App* eval = app.add_subcommand("eval", "Evaluate a closed form and print it as JSON");
  eval->require_subcommand(1);
  struct Parsed {
    std::map<std::string, std::string> text;
  };
  auto state = std::make_shared<std::map<CLI::App*, std::pair<const claims::EvalFunction*, std::shared_ptr<Parsed>>>>();
  for (const claims::EvalFunction& f : claims::all_eval_functions().functions()) {
    CLI::App* sub = eval->add_subcommand(f.name, f.summary);
    auto parsed = std::make_shared<Parsed>();
    for (const claims::EvalParam& p : f.params)
      allowed(sub->add_option("--" + p.name, parsed->text[p.name],
                              p.help + (p.is_list ? " (comma-separated, or @FILE / - to read numbers separated by commas, spaces or "
                                                    "newlines from FILE / standard input)"
                                                  : ""))
                  ->required(),
              p.is_list ? "a list of finite numbers: 1,2,3, @FILE or -; " + p.help : "one finite number: " + p.help);
    (*state)[sub] = {&f, parsed};
  }
  return [eval, state]() -> int {
    for (CLI::App* sub : eval->get_subcommands()) {
      const auto& [f, parsed] = state->at(sub);
      claims::EvalArgs args;
      nlohmann::json inputs = nlohmann::json::object();
      for (const claims::EvalParam& p : f->params) {
        std::vector<double> v = parse_number_list("--" + p.name, parsed->text.at(p.name));
        if (!p.is_list && v.size() != 1)
          throw UsageError("--" + p.name + ": expected one number, got a list '" + parsed->text.at(p.name) + "'");
        inputs[p.name] = p.is_list ? nlohmann::json(v) : nlohmann::json(v[0]);
        args[p.name] = std::move(v);
      }
      nlohmann::json out;
      out["name"] = f->name;
      out["inputs"] = inputs;
      out["value"] = non_finite_as_strings(f->eval(args));  // std::invalid_argument -> exit 2 in main
      std::cout << out.dump() << "\n";
      return 0;
    }
    return 2;
  };
}

}  // namespace regcheck::app
