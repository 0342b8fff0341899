#include "regress/tables.hpp"

#include "sim/stats/table.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace regcheck::regress {

namespace st = sim::stats;

namespace {

constexpr const char* kAllowed = "finite decimal numbers such as -1.5e-300, lists joined by ';'";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}
std::vector<std::string> split(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t k = cell.find(';', start);
    out.push_back(trim(cell.substr(start, k == std::string::npos ? std::string::npos : k - start)));
    if (k == std::string::npos) return out;
    start = k + 1;
  }
}

// Where a cell is, for error messages: "FILE: row R (line L), column 'c'".
std::string where(const st::Csv& csv, std::size_t i, const std::string& col) {
  return fmt::format("{}: row {} (line {}), column '{}'", csv.source, i + 1, csv.row_lines[i], col);
}

// The numbers of one cell: one, or a ';'-separated list when `list`. Errors name the cell.
std::vector<double> numbers(const st::Csv& csv, std::size_t i, std::size_t j, bool list, const std::string& fn) {
  const std::string& col = csv.header[j];
  const std::vector<std::string> items = split(csv.rows[i][j]);
  if (!list && items.size() != 1)
    throw std::invalid_argument(fmt::format("{}: '{}' is a list, but {} takes one number here (allowed: {})", where(csv, i, col),
                                            csv.rows[i][j], fn, kAllowed));
  std::vector<double> out;
  for (const std::string& t : items) {
    const std::string l = lower(t);
    if (l == "nan" || l == "+nan" || l == "-nan")
      throw std::invalid_argument(fmt::format("{}: NaN, but {} has no NaN inputs or values (allowed: {})", where(csv, i, col), fn, kAllowed));
    if (l == "inf" || l == "+inf" || l == "-inf" || l == "infinity" || l == "-infinity")
      throw std::invalid_argument(fmt::format("{}: '{}' is not finite (allowed: {})", where(csv, i, col), t, kAllowed));
    if (t.empty() || !st::is_decimal(t))
      throw std::invalid_argument(fmt::format("{}: '{}' is not a number (allowed: {})", where(csv, i, col), t, kAllowed));
    errno = 0;
    const double v = std::strtod(t.c_str(), nullptr);
    if (!std::isfinite(v))
      throw std::invalid_argument(fmt::format("{}: '{}' is beyond the double range (allowed: |x| <= 1.7976931348623157e308)",
                                              where(csv, i, col), t));
    out.push_back(v);
  }
  return out;
}

std::string header_text(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) {
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

}  // namespace

Table generate_table(const FunctionSpec& spec) {
  Table t{spec.name, {}};
  for (Args& a : spec.grid()) {
    Reference r = reference_value(spec, a);
    t.rows.push_back({std::move(a), std::move(r), 0});
  }
  return t;
}

std::string table_csv(const FunctionSpec& spec, const Table& t) {
  std::vector<std::string> cols = spec.params;
  cols.push_back("reference");
  std::string out = header_text(cols) + "\n";
  for (const TableRow& r : t.rows) {
    for (const std::string& p : spec.params) {
      out += join_list(r.inputs.at(p), number_text);
      out += ',';
    }
    if (!r.ref) {
      out += "error\n";
      continue;
    }
    out += join_list(*r.ref, [](const Real50& x) { return x.str(26, std::ios_base::scientific); });
    out += '\n';
  }
  return out;
}

Table read_table(const FunctionSpec& spec, const std::string& path) {
  const st::Csv csv = st::read_csv(path);
  std::vector<std::string> want = spec.params;
  want.push_back("reference");
  if (csv.header != want)
    throw std::invalid_argument(fmt::format("{}: header '{}' (expected '{}')", path, header_text(csv.header), header_text(want)));
  Table t{spec.name, {}};
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    TableRow r;
    r.line = csv.row_lines[i];
    for (std::size_t j = 0; j < spec.params.size(); ++j) r.inputs[spec.params[j]] = numbers(csv, i, j, spec.is_list[j], spec.name);
    const std::string cell = trim(csv.rows[i].back());
    if (cell != "error") {
      std::vector<Real50> ref;
      for (const std::string& item : split(cell)) {
        if (!st::is_decimal(item))
          throw std::invalid_argument(fmt::format("{}: '{}' is not a number (allowed: a decimal number or 'error')",
                                                  where(csv, i, "reference"), item));
        ref.emplace_back(item);
      }
      r.ref = std::move(ref);
    }
    t.rows.push_back(std::move(r));
  }
  return t;
}

std::vector<Observation> observe_table(const FunctionSpec& spec, const Table& t, const Evaluator& eval) {
  std::vector<Observation> out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    Observation o = observe(spec, t.rows[i].inputs, t.rows[i].ref, eval);
    o.row = i + 1;
    o.line = t.rows[i].line;
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Stats> run_tables(const std::string& dir, const Evaluator& eval) {
  std::vector<Stats> out;
  for (const FunctionSpec& f : functions()) {
    const Table t = read_table(f, dir + "/" + f.name + ".csv");
    out.push_back(measure(f.name, observe_table(f, t, eval)));
  }
  return out;
}

std::vector<Observation> read_against(const FunctionSpec& spec, const std::string& path) {
  const st::Csv csv = st::read_csv(path);
  std::vector<std::string> want = spec.params;
  want.push_back("value");
  const std::string allowed = fmt::format("the columns {} in any order", header_text(want));
  // Column of each wanted name; every header name must be wanted, once.
  std::vector<std::size_t> col(want.size(), csv.header.size());
  for (std::size_t j = 0; j < csv.header.size(); ++j) {
    std::size_t k = 0;
    while (k < want.size() && want[k] != trim(csv.header[j])) ++k;
    if (k == want.size())
      throw std::invalid_argument(fmt::format("{}: header column {} '{}' is not a parameter of {} (allowed: {})", path, j + 1,
                                              csv.header[j], spec.name, allowed));
    if (col[k] != csv.header.size())
      throw std::invalid_argument(fmt::format("{}: header names column '{}' twice (allowed: {})", path, want[k], allowed));
    col[k] = j;
  }
  for (std::size_t k = 0; k < want.size(); ++k)
    if (col[k] == csv.header.size())
      throw std::invalid_argument(fmt::format("{}: header lacks column '{}' (allowed: {})", path, want[k], allowed));
  std::vector<Observation> out;
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    Args args;
    for (std::size_t k = 0; k < spec.params.size(); ++k) args[spec.params[k]] = numbers(csv, i, col[k], spec.is_list[k], spec.name);
    std::vector<double> value = numbers(csv, i, col.back(), spec.vector_valued, spec.name);
    Observation o;
    o.row = i + 1;
    o.line = csv.row_lines[i];
    o.input = describe(spec, args);
    o.ref = reference_value(spec, args);
    if (!o.ref)
      throw std::invalid_argument(fmt::format("{}: row {} (line {}): {} is outside the domain of {} or its value exceeds DBL_MAX "
                                              "(allowed: the inputs `regcheck eval {}` accepts)",
                                              csv.source, i + 1, csv.row_lines[i], o.input, spec.name, spec.name));
    if (value.size() != o.ref->size())
      throw std::invalid_argument(fmt::format("{}: {} values, but {} returns {} here", where(csv, i, "value"), value.size(),
                                              spec.name, o.ref->size()));
    o.got = std::move(value);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace regcheck::regress
