#include "sim/stats/table.hpp"

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace regcheck::sim::stats {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A decimal value m * 10^-scale with |m| < 10^36, or nothing when the cell needs wider arithmetic.
struct Decimal {
  __int128 m = 0;
  int scale = 0;
  int digits = 0;  // significant digits of m
};

// Syntax check and, when it fits, the exact integer form. Returns false on a syntax error.
bool parse_decimal(std::string_view s, std::optional<Decimal>& out) {
  out.reset();
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  Decimal d;
  bool any_digit = false, fits = true;
  auto take = [&](char c) {
    any_digit = true;
    if (d.digits == 0 && c == '0') return;
    if (d.digits >= 36) {
      fits = false;
      return;
    }
    d.m = d.m * 10 + (c - '0');
    ++d.digits;
  };
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') take(s[i++]);
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      take(s[i++]);
      ++d.scale;
    }
  }
  if (!any_digit) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    if (i == s.size()) return false;
    long e = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (e < 100000) e = e * 10 + (s[i] - '0');
      ++i;
    }
    if (e > 300) fits = false;  // beyond double's exponent range anyway: wide path decides
    d.scale += static_cast<int>(eneg ? e : -e);
  }
  if (i != s.size()) return false;
  if (neg) d.m = -d.m;
  if (fits) out = d;
  return true;
}

__int128 pow10_i128(int k) {
  __int128 p = 1;
  for (int i = 0; i < k; ++i) p *= 10;
  return p;
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// (a - b) rounded to double, exactly computed when both fit a common scale in 128 bits; nullopt
// otherwise (the caller then uses 50-digit arithmetic).
std::optional<double> exact_difference(const Decimal& a, const Decimal& b) {
  const int k = std::max(a.scale, b.scale);
  if (k < 0 || k > 22) return std::nullopt;
  const int ua = k - a.scale, ub = k - b.scale;
  if (a.digits + ua > 37 || b.digits + ub > 37) return std::nullopt;
  const __int128 diff = a.m * pow10_i128(ua) - b.m * pow10_i128(ub);  // |.| < 2 * 10^37 < 2^127
  // Two roundings (integer to double, then the division by the exact double 10^k): the error is
  // at most ~1 ulp of the centered value, which is what matters (it is relative to the spread).
  return static_cast<double>(diff) / kPow10[k];
}

double wide_difference(std::string_view a, std::string_view b) {
  using Dec50 = boost::multiprecision::cpp_dec_float_50;
  // 50 significant digits: the difference is exact for cells of up to ~48 digits.
  return static_cast<double>(Dec50(std::string(a)) - Dec50(std::string(b)));
}

}  // namespace

bool is_decimal(std::string_view cell) {
  std::optional<Decimal> d;
  return parse_decimal(trim(cell), d);
}

Csv parse_csv(std::string_view text, const std::string& source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark (spreadsheet exports)
  Csv csv;
  csv.source = source;
  std::vector<std::string> row;
  std::string cell;
  std::size_t line = 1, row_line = 1;
  bool in_quotes = false, cell_quoted = false, row_has_content = false;
  auto end_cell = [&]() {
    row.push_back(cell);
    cell.clear();
    cell_quoted = false;
  };
  auto end_row = [&]() {
    end_cell();
    const bool blank = !row_has_content && row.size() == 1 && row[0].empty();
    if (!blank) {
      if (csv.header.empty()) {
        for (auto& h : row) h = std::string(trim(h));
        csv.header = std::move(row);
      } else {
        if (row.size() != csv.header.size())
          throw std::invalid_argument(fmt::format("{}: row {} has {} cells, the header has {} (allowed: as many cells as header columns)",
                                                  source, row_line, row.size(), csv.header.size()));
        csv.rows.push_back(std::move(row));
        csv.row_lines.push_back(row_line);
      }
    }
    row.clear();
    row_has_content = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      if (!trim(cell).empty() || cell_quoted)
        throw std::invalid_argument(fmt::format("{}: row {}: a quote inside an unquoted cell (allowed: RFC 4180 quoting, \"a \"\"b\"\"\")",
                                                source, line));
      cell.clear();
      in_quotes = cell_quoted = row_has_content = true;
    } else if (c == ',') {
      end_cell();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      row_line = ++line;
    } else {
      if (cell_quoted && c != ' ' && c != '\t')
        throw std::invalid_argument(fmt::format("{}: row {}: text after a closing quote (allowed: RFC 4180 quoting)", source, line));
      if (!cell_quoted) cell += c;
      if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (in_quotes) throw std::invalid_argument(fmt::format("{}: row {}: a quoted cell is not closed", source, row_line));
  if (!cell.empty() || !row.empty() || row_has_content) end_row();
  if (csv.header.empty()) throw std::invalid_argument(fmt::format("{}: the file is empty (allowed: a header row, then data rows)", source));
  for (std::size_t j = 0; j < csv.header.size(); ++j)
    for (std::size_t k = 0; k < j; ++k)
      if (csv.header[j] == csv.header[k])
        throw std::invalid_argument(fmt::format("{}: column name '{}' appears twice in the header", source, csv.header[j]));
  return csv;
}

Csv read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path);
}

std::size_t column_index(const Csv& csv, const std::string& name) {
  std::string names;
  for (std::size_t j = 0; j < csv.header.size(); ++j) {
    if (csv.header[j] == name) return j;
    names += (j ? ", " : "") + csv.header[j];
  }
  throw std::invalid_argument(fmt::format("{}: no column '{}' (columns: {})", csv.source, name, names));
}

namespace {
template <class CellAt, class Where>
CenteredColumn center(std::size_t n, CellAt cell_at, Where where) {
  CenteredColumn out;
  out.x.resize(n);
  if (n == 0) return out;
  std::optional<Decimal> ref;
  std::string_view ref_text;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view s = trim(cell_at(i));
    std::optional<Decimal> d;
    if (!parse_decimal(s, d))
      throw std::invalid_argument(fmt::format("{}: '{}' is not a number (allowed: a finite decimal such as 0.913 or 1e-3)", where(i), s));
    if (i == 0) {
      ref = d;
      ref_text = s;
      out.ref_text = std::string(s);
      out.ref_double = std::strtod(out.ref_text.c_str(), nullptr);  // correctly rounded
      if (!std::isfinite(out.ref_double))
        throw std::invalid_argument(fmt::format("{}: '{}' is beyond the double range", where(i), s));
      out.x[0] = 0.0;
      continue;
    }
    std::optional<double> v;
    if (d && ref) v = exact_difference(*d, *ref);
    try {
      out.x[i] = v ? *v : wide_difference(s, ref_text);
    } catch (const std::runtime_error&) {  // Boost cannot read an exponent of ~40 digits (found by fuzz/fuzz_stats_csv)
      throw std::invalid_argument(fmt::format("{}: '{}' has an exponent too large to read (allowed: a finite decimal within the double range)", where(i), s));
    }
    if (!std::isfinite(out.x[i])) throw std::invalid_argument(fmt::format("{}: '{}' is beyond the double range", where(i), s));
  }
  return out;
}
}  // namespace

CenteredColumn read_centered(const Csv& csv, std::size_t col) {
  CenteredColumn out = center(
      csv.rows.size(), [&](std::size_t i) -> std::string_view { return csv.rows[i][col]; },
      [&](std::size_t i) { return fmt::format("{}: row {}, column '{}'", csv.source, csv.row_lines[i], csv.header[col]); });
  out.name = csv.header[col];
  return out;
}

CenteredColumn center_decimals(const std::vector<std::string>& cells, const std::string& what) {
  CenteredColumn out = center(
      cells.size(), [&](std::size_t i) -> std::string_view { return cells[i]; },
      [&](std::size_t i) { return fmt::format("{}: value {}", what, i + 1); });
  out.name = what;
  return out;
}

}  // namespace regcheck::sim::stats
