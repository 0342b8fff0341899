#pragma once
// Reference tables (regress/tables/<function>.csv) and users' value tables (--against).
//
// Table format: a CSV header with the function's eval parameter names, then `reference`; one row
// per input. Numbers are printed round-trip (inputs: 17 significant digits, exact) and the
// reference with 26 significant digits of the 50-digit value (enough to round correctly to double
// except within 1e-26 relative of a rounding tie). List-valued cells (group-prox v and its
// output, effective-params eigs) hold their numbers joined by ';'. A reference cell `error` marks
// an input outside the domain, or whose value exceeds DBL_MAX: there the build must refuse it
// (std::invalid_argument).
#include "regress/functions.hpp"
#include "regress/measure.hpp"

#include <string>
#include <vector>

namespace regcheck::regress {

struct TableRow {
  Args inputs;
  Reference ref;
  std::size_t line = 0;
};
struct Table {
  std::string function;
  std::vector<TableRow> rows;
};

// The function's grid with its 50-digit references.
Table generate_table(const FunctionSpec& spec);
std::string table_csv(const FunctionSpec& spec, const Table& t);
// Reads regress/tables/<function>.csv; throws std::invalid_argument naming file, row and column.
Table read_table(const FunctionSpec& spec, const std::string& path);

// The build's results on every row of a table.
std::vector<Observation> observe_table(const FunctionSpec& spec, const Table& t, const Evaluator& eval);

// --against: a user's CSV with the function's parameters and `value` (any column order). Returns
// one observation per row, the reference computed in 50 digits. Throws std::invalid_argument with
// one line naming the file, row, column and what is allowed (wrong header, wrong cell count,
// non-numeric or non-finite cell, NaN, input outside the function's domain).
// Measures every covered function on DIR/<function>.csv (in eval's order).
std::vector<Stats> run_tables(const std::string& dir, const Evaluator& eval);

std::vector<Observation> read_against(const FunctionSpec& spec, const std::string& path);

}  // namespace regcheck::regress
