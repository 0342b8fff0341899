#pragma once
// Users' result tables for `regcheck stats`: a strict CSV reader (RFC 4180) and exact reading of
// decimal cells.
//
// Why exact reading: a value such as 1000000000000.4 is not a double. Rounding each cell to double
// when it is read already loses the digits that carry the spread (NIST SmLs09: 13 constant leading
// digits, spread 0.1), and no later formula can get them back. So each numeric cell is parsed as
// a decimal (integer mantissa and power of ten), a reference value taken from the data (the first
// cell of the column) is subtracted in exact integer arithmetic (or in 50 digits,
// cpp_dec_float_50, for cells beyond 36 digits or unusual exponents), and only the centered value
// is rounded to double: its relative error is then ~1 ulp of the spread, not of the magnitude.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace regcheck::sim::stats {

struct Csv {
  std::string source;                          // file name, for error messages
  std::vector<std::string> header;             // column names
  std::vector<std::vector<std::string>> rows;  // rows[i][j]: data row i, column j
  std::vector<std::size_t> row_lines;          // file line where data row i starts (header: 1)
};

// Parses CSV text: a header row, then data rows with as many cells as the header. Quotes per RFC
// 4180 ("a ""b""", separators and newlines inside quotes). LF or CRLF line ends; blank lines are
// skipped. Throws std::invalid_argument naming the source, the row and what is wrong.
Csv parse_csv(std::string_view text, const std::string& source);
// Reads and parses a file; throws std::invalid_argument when it cannot be read or is empty.
Csv read_csv(const std::string& path);

// Index of the column named `name`; throws std::invalid_argument naming it and the columns present.
std::size_t column_index(const Csv& csv, const std::string& name);

// A numeric column read exactly: value_i = ref + x[i], where ref is the first cell's exact decimal
// value (ref_double is it rounded to double, ref_text its text) and x[i] is the exact difference
// rounded once to double.
struct CenteredColumn {
  std::string name;
  std::string ref_text;
  double ref_double = 0.0;
  std::vector<double> x;
};

// True when the (trimmed) cell is a finite decimal number: [+-]digits[.digits][(e|E)[+-]digits].
bool is_decimal(std::string_view cell);
// Reads column `col` of every row exactly (see above). Throws std::invalid_argument naming the
// file, the row number (1 = header) and the column when a cell is not a finite decimal number.
CenteredColumn read_centered(const Csv& csv, std::size_t col);
// The same for a list of cells (tests, generated data); `what` names them in errors.
CenteredColumn center_decimals(const std::vector<std::string>& cells, const std::string& what);

}  // namespace regcheck::sim::stats
