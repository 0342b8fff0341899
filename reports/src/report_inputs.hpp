#pragma once
// The inputs of `regcheck report`: the JSON documents of `regcheck verify --json` and
// `regcheck reproduce --json` (fields documented in README.md), recognized by their "tool" field.
// The JSON format version is the regcheck version that wrote it (versions.regcheck for verify,
// regcheck_version for reproduce): a document of another version is refused, since its fields
// may differ.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace regcheck::report {

struct ReportInputs {
  std::optional<nlohmann::json> verify, reproduce;  // either may be absent (the report says so)
};

// Reads one --from file and stores it in `in` by its tool. Throws std::invalid_argument naming
// the file and the offending value: unreadable, not JSON, not a regcheck document (no or another
// "tool"), another format version than `expected_version`, or a second document of the same tool.
void add_input(ReportInputs& in, const std::string& path, const std::string& expected_version);

// A number of the inputs: JSON numbers, and the strings "inf", "-inf", "nan" the tools write for
// non-finite values; nullopt for anything else (null, missing).
std::optional<double> number(const nlohmann::json& v);
std::optional<double> number_at(const nlohmann::json& obj, const char* key);
// obj[key] as a string ("" when missing or not a string).
std::string text_at(const nlohmann::json& obj, const char* key);

}  // namespace regcheck::report
