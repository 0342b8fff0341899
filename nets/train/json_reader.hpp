#pragma once
// A JSON object reader that knows where it is: every error names the field's path
// ("model.layers[2].out: ...") and, when the object is done, any field nobody asked for is an
// error that lists the fields that were allowed (so a typo like "kernal" cannot be silently
// ignored).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace regcheck::nets::train {

[[noreturn]] inline void field_error(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

inline std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

// A short rendering of a JSON value for messages (strings quoted, long values cut).
inline std::string show(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

class Obj {
 public:
  Obj(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) field_error(path_, "expected an object {...}, got " + show(j_));
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  bool has(const std::string& key) {
    note(key);
    return j_.contains(key);
  }
  const nlohmann::json& at(const std::string& key) {
    note(key);
    if (!j_.contains(key)) field_error(sub(key), "missing (required)");
    return j_.at(key);
  }

  // A number; `ok` checks the range and `allowed` describes it ("lr > 0").
  double num(const std::string& key, double def, const std::function<bool(double)>& ok, const std::string& allowed) {
    if (!has(key)) return def;
    return num_value(j_.at(key), sub(key), ok, allowed);
  }
  double num_required(const std::string& key, const std::function<bool(double)>& ok, const std::string& allowed) {
    return num_value(at(key), sub(key), ok, allowed);
  }
  long integer(const std::string& key, long def, long lo, long hi, const std::string& allowed) {
    if (!has(key)) return def;
    return int_value(j_.at(key), sub(key), lo, hi, allowed);
  }
  bool boolean(const std::string& key, bool def) {
    if (!has(key)) return def;
    const auto& v = j_.at(key);
    if (!v.is_boolean()) field_error(sub(key), "expected true or false, got " + show(v));
    return v.get<bool>();
  }
  std::string str(const std::string& key, const std::string& def) {
    if (!has(key)) return def;
    return str_value(j_.at(key), sub(key));
  }
  std::string str_required(const std::string& key) { return str_value(at(key), sub(key)); }
  // A string that must be one of `choices`.
  std::string choice(const std::string& key, const std::string& def, const std::vector<std::string>& choices,
                     const char* noun = "value") {
    const std::string s = has(key) ? str_value(j_.at(key), sub(key)) : def;
    if (std::find(choices.begin(), choices.end(), s) == choices.end())
      field_error(sub(key), fmt::format("unknown {} '{}' (allowed: {})", noun, s, join(choices)));
    return s;
  }

  // Call when every field has been read: any other field is an error.
  void done() const {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (std::find(known_.begin(), known_.end(), it.key()) == known_.end())
        field_error(sub(it.key()), "unknown field (allowed: " + join(known_) + ")");
  }

  static double num_value(const nlohmann::json& v, const std::string& path, const std::function<bool(double)>& ok,
                          const std::string& allowed) {
    if (!v.is_number()) field_error(path, "expected a number, got " + show(v));
    const double x = v.get<double>();
    if (!std::isfinite(x) || !ok(x)) field_error(path, fmt::format("value {} is out of range (allowed: {})", show(v), allowed));
    return x;
  }
  static long int_value(const nlohmann::json& v, const std::string& path, long lo, long hi, const std::string& allowed) {
    if (!v.is_number_integer()) field_error(path, "expected an integer, got " + show(v));
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<long>::max()))
      field_error(path, fmt::format("value {} is out of range (allowed: {})", show(v), allowed));
    const long x = v.get<long>();
    if (x < lo || x > hi) field_error(path, fmt::format("value {} is out of range (allowed: {})", x, allowed));
    return x;
  }
  static std::string str_value(const nlohmann::json& v, const std::string& path) {
    if (!v.is_string()) field_error(path, "expected a string, got " + show(v));
    return v.get<std::string>();
  }

 private:
  void note(const std::string& key) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  }
  const nlohmann::json& j_;
  std::string path_;
  std::vector<std::string> known_;
};

// The array at path (error if it is not one).
inline const nlohmann::json& array_at(const nlohmann::json& v, const std::string& path) {
  if (!v.is_array()) field_error(path, "expected an array [...], got " + show(v));
  return v;
}

// Parses JSON text like nlohmann::json::parse, but a key repeated in one object is an error
// naming its path ("model.layers[1].out: duplicate key ..."): plain parse keeps the last value
// silently, so a config with two "lr" entries would train with whichever came last.
// Syntax errors still throw nlohmann::json::parse_error.
inline nlohmann::json parse_without_duplicate_keys(const std::string& text) {
  struct Frame {
    bool object;
    std::string path;
    std::vector<std::string> keys;  // object: keys seen so far (the last is the current one)
    std::size_t items = 0;          // array: children started so far
  };
  std::vector<Frame> stack;
  // The path of the child value that is about to start in the innermost container.
  auto child_path = [&]() -> std::string {
    if (stack.empty()) return "";
    Frame& f = stack.back();
    if (f.object) return f.path.empty() ? f.keys.back() : f.path + "." + f.keys.back();
    return fmt::format("{}[{}]", f.path, f.items++);
  };
  using Event = nlohmann::json::parse_event_t;
  auto callback = [&](int /*depth*/, Event event, nlohmann::json& parsed) {
    switch (event) {
      case Event::object_start: stack.push_back({true, child_path(), {}, 0}); break;
      case Event::array_start: stack.push_back({false, child_path(), {}, 0}); break;
      case Event::object_end:
      case Event::array_end: stack.pop_back(); break;
      case Event::key: {
        Frame& f = stack.back();
        const std::string key = parsed.get<std::string>();
        if (std::find(f.keys.begin(), f.keys.end(), key) != f.keys.end())
          field_error(f.path.empty() ? key : f.path + "." + key,
                      "duplicate key (each key may appear once per object; JSON parsers disagree on which one wins)");
        f.keys.push_back(key);
        break;
      }
      case Event::value:
        if (!stack.empty() && !stack.back().object) ++stack.back().items;
        break;
    }
    return true;
  };
  return nlohmann::json::parse(text, callback);
}

}  // namespace regcheck::nets::train
