#pragma once
// `regcheck export-notebooks`: one Jupyter notebook (nbformat 4) per source, generated from the
// JSON of `regcheck verify --json` and `regcheck reproduce --json`. Each notebook loads the JSON
// (copied to data/ beside it) with Python's json module, shows the claim table as markdown and
// redraws the report's figures with matplotlib, so a reader can rework the analysis.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace regcheck::report {

// The results a notebook is made from. `*_date` is the date of the results (UTC, "YYYY-MM-DD
// HH:MM"), shown in the notebook's provenance header.
struct NotebookInputs {
  std::optional<nlohmann::json> verify, reproduce;
  std::string verify_date, reproduce_date;
};

// "verify" or "reproduce" for a document of `regcheck verify --json` / `regcheck reproduce
// --json`; throws std::invalid_argument naming `label` (the file) when the document is not one:
// not an object, another `tool`, no `claims` array, or another format version. The format version
// is the regcheck version that wrote it (versions.regcheck, regcheck_version): a document of
// another version than `expected_version` is refused, since its fields may differ.
std::string results_kind(const nlohmann::json& doc, const std::string& label, const std::string& expected_version);

// The sources ("dropact", "gcsr", "tl1", "dlbook", in this order) with at least one claim in
// the inputs, then those of claims declared with the library (a user's Registry(sources)), in order
// of first appearance; a source name outside [a-z0-9_-] gets no notebook (it would name the file).
std::vector<std::string> notebook_sources(const NotebookInputs& in);

// The notebook of `source` (nbformat 4.5 JSON). Its code cells read data/verify.json and
// data/reproduce.json relative to the notebook (the files the exporter writes beside it).
nlohmann::json make_notebook(const std::string& source, const NotebookInputs& in);

}  // namespace regcheck::report
