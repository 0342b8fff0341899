#include "nets/data/digits.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "nets/data/io.hpp"

namespace regcheck::nets::data {

Dataset load_digits(const DigitsOptions& opt, const std::string& path) {
  const auto bytes = read_file_bytes(path);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  constexpr int kFields = 65;
  std::vector<float> pix;
  std::vector<int> labels;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto where = [&] { return "digits file '" + path + "' line " + std::to_string(line_no); };
    int field = 0;
    std::size_t p = 0;
    while (true) {
      std::size_t comma = line.find(',', p);
      std::string_view tok = line.substr(p, comma == std::string_view::npos ? std::string_view::npos : comma - p);
      int v = 0;
      auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (ec != std::errc() || ptr != tok.data() + tok.size() || tok.empty())
        throw std::runtime_error(where() + ": field " + std::to_string(field + 1) + " is not an integer: '" + std::string(tok) + "'");
      if (field < kFields - 1) {
        if (v < 0 || v > 16)
          throw std::runtime_error(where() + ": pixel " + std::to_string(field + 1) + " = " + std::to_string(v) + ", expected 0..16");
        pix.push_back(static_cast<float>(v));
      } else if (field == kFields - 1) {
        if (v < 0 || v > 9)
          throw std::runtime_error(where() + ": label = " + std::to_string(v) + ", expected 0..9");
        labels.push_back(v);
      }
      ++field;
      if (comma == std::string_view::npos) break;
      p = comma + 1;
    }
    if (field != kFields)
      throw std::runtime_error(where() + ": expected " + std::to_string(kFields) + " fields (64 pixels + label), found " + std::to_string(field));
  }
  if (labels.empty()) throw std::runtime_error("digits file '" + path + "' has no rows");
  Dataset ds;
  ds.name = "digits";
  ds.classes = 10;
  ds.channels = 1;
  ds.height = ds.width = 8;
  const Eigen::Index n = static_cast<Eigen::Index>(labels.size());
  ds.x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(pix.data(), n, 64);
  if (opt.scale) ds.x /= 16.0f;
  ds.labels = std::move(labels);
  return ds;
}

}  // namespace regcheck::nets::data
