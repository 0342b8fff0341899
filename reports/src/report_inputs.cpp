#include "reports/src/report_inputs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace regcheck::report {

void add_input(ReportInputs& in, const std::string& path, const std::string& expected_version) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument(fmt::format("--from: cannot read '{}'", path));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(fmt::format("--from: '{}' is not JSON (expected the output of regcheck verify/reproduce --json)", path));
  }
  const std::string tool = doc.is_object() ? text_at(doc, "tool") : std::string();
  std::string version;
  std::optional<nlohmann::json>* slot = nullptr;
  if (tool == "regcheck verify") {
    slot = &in.verify;
    if (doc.contains("versions") && doc["versions"].is_object()) version = text_at(doc["versions"], "regcheck");
  } else if (tool == "regcheck reproduce") {
    slot = &in.reproduce;
    version = text_at(doc, "regcheck_version");
  } else {
    throw std::invalid_argument(fmt::format(
        "--from: '{}' is not regcheck JSON (tool '{}'; allowed: regcheck verify, regcheck reproduce)", path, tool));
  }
  if (version != expected_version)
    throw std::invalid_argument(fmt::format("--from: '{}' was written by {} {} (format version '{}'); this is regcheck {}: rerun it",
                                            path, tool, version.empty() ? "of unknown version" : version, version, expected_version));
  if (!doc.contains("claims") || !doc["claims"].is_array())
    throw std::invalid_argument(fmt::format("--from: '{}' has no \"claims\" array", path));
  if (*slot) throw std::invalid_argument(fmt::format("--from: '{}' is a second '{}' document (give one of each)", path, tool));
  *slot = std::move(doc);
}

std::optional<double> number(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  }
  return std::nullopt;
}

std::optional<double> number_at(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return std::nullopt;
  return number(obj[key]);
}

std::string text_at(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return {};
  return obj[key].get<std::string>();
}

}  // namespace regcheck::report
