// Data loaders, synthetic tasks, shuffling and splits of the trainer (nets/data/).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "nets/data/cifar.hpp"
#include "nets/data/digits.hpp"
#include "nets/data/idx.hpp"
#include "nets/data/split.hpp"
#include "nets/data/synthetic.hpp"

namespace fs = std::filesystem;
using namespace regcheck::nets;
using namespace regcheck::nets::data;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("regcheck_nets_data_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void put_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

std::vector<std::uint8_t> idx_images(std::uint32_t magic, std::uint32_t n, std::uint32_t rows, std::uint32_t cols,
                                     std::size_t body_bytes) {
  std::vector<std::uint8_t> b;
  put_be32(b, magic);
  put_be32(b, n);
  put_be32(b, rows);
  put_be32(b, cols);
  for (std::size_t i = 0; i < body_bytes; ++i) b.push_back(static_cast<std::uint8_t>((i * 37) % 256));
  return b;
}

std::vector<std::uint8_t> idx_labels(std::uint32_t magic, const std::vector<std::uint8_t>& labels, std::uint32_t declared) {
  std::vector<std::uint8_t> b;
  put_be32(b, magic);
  put_be32(b, declared);
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

void write_raw(const std::string& path, const std::vector<std::uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void write_gz(const std::string& path, const std::vector<std::uint8_t>& b) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, b.data(), static_cast<unsigned>(b.size())), static_cast<int>(b.size()));
  gzclose(f);
}

// Runs f, expects exception E whose message contains every needle.
template <class E, class F>
void expect_error(F f, std::initializer_list<std::string> needles) {
  try {
    f();
    ADD_FAILURE() << "no exception thrown";
  } catch (const E& e) {
    const std::string msg = e.what();
    for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "message '" << msg << "' lacks '" << n << "'";
  }
}

}  // namespace

// ---- IDX / Fashion-MNIST -------------------------------------------------------------------------

TEST(FashionMnist, TrainAndTestShapesLabelsAndPixelStatistics) {
  const Dataset tr = load_fashion_mnist(Split::Train);
  ASSERT_EQ(tr.size(), 60000);
  EXPECT_EQ(tr.x.cols(), 784);
  EXPECT_EQ(tr.height, 28);
  EXPECT_EQ(tr.width, 28);
  EXPECT_EQ(tr.classes, 10);
  EXPECT_GE(tr.x.minCoeff(), 0.0f);
  EXPECT_LE(tr.x.maxCoeff(), 1.0f);
  EXPECT_EQ(tr.x.maxCoeff(), 1.0f);  // some pixel is 255
  std::vector<int> count(10, 0);
  for (int l : tr.labels) ++count.at(l);
  for (int c : count) EXPECT_EQ(c, 6000);  // Fashion-MNIST is balanced: 6000 per class
  // The widely quoted train pixel mean/std of Fashion-MNIST in [0, 1]: 0.2860 / 0.3530.
  const double mean = tr.x.cast<double>().mean();
  const double sd = std::sqrt((tr.x.cast<double>().array() - mean).square().mean());
  EXPECT_NEAR(mean, 0.2860, 5e-5);
  EXPECT_NEAR(sd, 0.3530, 5e-5);
  const Dataset te = load_fashion_mnist(Split::Test);
  EXPECT_EQ(te.size(), 10000);
  EXPECT_EQ(te.labels.size(), 10000u);
}

TEST(FashionMnist, NormalizationStandardizesPixels) {
  ImageOptions opt;
  opt.normalize = true;
  opt.mean = {0.2860f};
  opt.stddev = {0.3530f};
  const Dataset te = load_fashion_mnist(Split::Test, opt);
  const Dataset raw = load_fashion_mnist(Split::Test);
  // Element-wise: exactly (x - m) / s in float.
  for (Eigen::Index j : {0, 100, 400, 783}) EXPECT_FLOAT_EQ(te.x(7, j), (raw.x(7, j) - 0.2860f) / 0.3530f);
  EXPECT_NEAR(te.x.cast<double>().mean(), 0.0, 0.01);  // test set mean differs slightly from train's
}

TEST(Idx, SmallFileRoundTripsPlainAndGzip) {
  TempDir d;
  auto im = idx_images(2051, 3, 2, 2, 12);
  auto lab = idx_labels(2049, {0, 2, 1}, 3);
  write_raw(d.file("im"), im);
  write_raw(d.file("lab"), lab);
  write_gz(d.file("im.gz"), im);
  write_gz(d.file("lab.gz"), lab);
  for (auto [ip, lp] : {std::pair{"im", "lab"}, std::pair{"im.gz", "lab.gz"}}) {
    const Dataset ds = load_idx_dataset(d.file(ip), d.file(lp), 3);
    ASSERT_EQ(ds.size(), 3);
    ASSERT_EQ(ds.x.cols(), 4);
    EXPECT_EQ(ds.labels, (std::vector<int>{0, 2, 1}));
    for (int i = 0; i < 12; ++i) EXPECT_EQ(ds.x(i / 4, i % 4), static_cast<float>((i * 37) % 256) / 255.0f);
  }
}

// ---- DIGITS --------------------------------------------------------------------------------------

TEST(Digits, ShapeRangeFirstRowAndClassCounts) {
  const Dataset ds = load_digits();
  ASSERT_EQ(ds.size(), 1797);
  ASSERT_EQ(ds.x.cols(), 64);
  EXPECT_EQ(ds.classes, 10);
  EXPECT_GE(ds.x.minCoeff(), 0.0f);
  EXPECT_EQ(ds.x.maxCoeff(), 1.0f);
  // First line of digits.csv.gz: 0,0,5,13,9,1,0,0,... label 0.
  EXPECT_EQ(ds.labels[0], 0);
  EXPECT_EQ(ds.x(0, 2), 5.0f / 16.0f);
  EXPECT_EQ(ds.x(0, 3), 13.0f / 16.0f);
  // scikit-learn's documented class counts for load_digits.
  const std::vector<int> expected{178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
  std::vector<int> count(10, 0);
  for (int l : ds.labels) ++count.at(l);
  EXPECT_EQ(count, expected);
  const Dataset raw = load_digits({.scale = false});
  EXPECT_EQ(raw.x(0, 3), 13.0f);
  EXPECT_EQ(raw.x.maxCoeff(), 16.0f);
}

// ---- CIFAR-10 binary -----------------------------------------------------------------------------

TEST(Cifar, GeneratedRecordsLoadInOrderWithChannelMajorPixels) {
  TempDir d;
  std::vector<std::uint8_t> a, b;
  auto record = [](std::vector<std::uint8_t>& out, std::uint8_t label, int seed) {
    out.push_back(label);
    for (int j = 0; j < 3072; ++j) out.push_back(static_cast<std::uint8_t>((j * 7 + seed) % 256));
  };
  record(a, 3, 0);
  record(a, 9, 1);
  record(b, 0, 2);
  write_raw(d.file("data_batch_1.bin"), a);
  write_gz(d.file("data_batch_2.bin.gz"), b);
  const Dataset ds = load_cifar10({d.file("data_batch_1.bin"), d.file("data_batch_2.bin.gz")});
  ASSERT_EQ(ds.size(), 3);
  EXPECT_EQ(ds.labels, (std::vector<int>{3, 9, 0}));
  EXPECT_EQ(ds.channels, 3);
  EXPECT_EQ(ds.height, 32);
  // Pixel j of record r is byte (j*7 + r) % 256; j = 1024 is the first green value.
  for (int r = 0; r < 3; ++r)
    for (int j : {0, 1, 1023, 1024, 2048, 3071})
      EXPECT_EQ(ds.x(r, j), static_cast<float>((j * 7 + r) % 256) / 255.0f);
  ImageOptions opt{.normalize = true, .mean = {0.5f, 0.25f, 0.0f}, .stddev = {0.5f, 1.0f, 2.0f}};
  const Dataset n = load_cifar10({d.file("data_batch_1.bin")}, opt);
  EXPECT_FLOAT_EQ(n.x(0, 5), (ds.x(0, 5) - 0.5f) / 0.5f);
  EXPECT_FLOAT_EQ(n.x(0, 1030), (ds.x(0, 1030) - 0.25f) / 1.0f);
  EXPECT_FLOAT_EQ(n.x(1, 3000), (ds.x(1, 3000) - 0.0f) / 2.0f);
}

// ---- Synthetic tasks -----------------------------------------------------------------------------

TEST(Synthetic, XsinxIsDeterministicFromTheSeedWithTheDocumentedShape) {
  const Dataset a = make_xsinx(7), b = make_xsinx(7), c = make_xsinx(8);
  ASSERT_EQ(a.size(), 20);  // Drop-Activation eq. 12: n = 20
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.x, c.x);
  EXPECT_GE(a.x.minCoeff(), 0.0f);
  EXPECT_LE(a.x.maxCoeff(), 10.0f);
  const Dataset g = make_xsinx(7, {.n = 11, .noise_sd = 0.0, .grid = true});
  for (int i = 0; i < 11; ++i) {
    EXPECT_FLOAT_EQ(g.x(i, 0), static_cast<float>(i));
    EXPECT_FLOAT_EQ(g.y(i, 0), static_cast<float>(i * std::sin(static_cast<double>(i))));
  }
}

TEST(Synthetic, RegressionNoiseIsStandardNormal) {
  // Residuals y - f(x) must be N(0, 1): with n = 40000, the sample mean has sd 1/200 and the sample
  // variance sd sqrt(2/n) = 0.0071; 5-sigma bounds keep the false-alarm rate below 1e-6.
  const int n = 40000;
  for (int task = 0; task < 2; ++task) {
    const Dataset ds = task == 0 ? make_xsinx(3, {.n = n}) : make_piecewise_constant(3, {.n = n});
    PiecewiseConstant f;
    Eigen::ArrayXd r(n);
    for (int i = 0; i < n; ++i) {
      const double x = ds.x(i, 0);
      r(i) = ds.y(i, 0) - (task == 0 ? xsinx(x) : f(x));
    }
    const double m = r.mean(), v = (r - m).square().mean();
    EXPECT_NEAR(m, 0.0, 5.0 / std::sqrt(n));
    EXPECT_NEAR(v, 1.0, 5.0 * std::sqrt(2.0 / n));
  }
}

TEST(Synthetic, PiecewiseConstantSteps) {
  const PiecewiseConstant f;
  EXPECT_EQ(f(0.0), -2.0);
  EXPECT_EQ(f(2.4999), -2.0);
  EXPECT_EQ(f(2.5), 2.0);
  EXPECT_EQ(f(6.0), 0.0);
  EXPECT_EQ(f(10.0), 3.0);
}

TEST(Synthetic, TeacherIsDeterministicAndNonDegenerate) {
  const TeacherOptions reg{.n = 500, .in = 5, .hidden = {16, 8}, .out = 2, .noise_sd = 0.0};
  const Dataset a = make_teacher(11, reg), b = make_teacher(11, reg), c = make_teacher(12, reg);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  EXPECT_NE(a.y, c.y);
  ASSERT_EQ(a.y.cols(), 2);
  const double var = (a.y.col(0).cast<double>().array() - a.y.col(0).cast<double>().mean()).square().mean();
  EXPECT_GT(var, 1e-3);  // a ReLU teacher with He weights is not constant on N(0, I) inputs
  TeacherOptions cls{.n = 2000, .in = 5, .hidden = {16}, .out = 3, .classify = true};
  const Dataset d = make_teacher(11, cls);
  EXPECT_EQ(d.classes, 3);
  std::vector<int> count(3, 0);
  for (int l : d.labels) ++count.at(l);
  for (int k = 0; k < 3; ++k) EXPECT_GT(count[k], 0) << "class " << k << " never chosen";
}

TEST(Synthetic, SeparableClustersAreSeparatedByTheCertificate) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const SeparableOptions o{.n = 300, .dim = 3, .classes = 3, .separation = 4.0, .margin = 0.5};
    const Dataset ds = make_separable(seed, o);
    const Eigen::MatrixXd c = separable_centers(seed, o);
    const Eigen::VectorXd h = 0.5 * c.rowwise().squaredNorm();
    for (Eigen::Index i = 0; i < ds.size(); ++i) {
      const Eigen::VectorXd s = c * ds.x.row(i).transpose().cast<double>() - h;
      Eigen::Index k;
      s.maxCoeff(&k);
      ASSERT_EQ(k, ds.labels[i]) << "example " << i << " seed " << seed;
      for (int m = 0; m < 3; ++m)
        if (m != k) {
          EXPECT_GE(s(k) - s(m), 0.5 - 1e-4);  // margin, less float rounding of x
        }
    }
  }
}

// ---- Shuffling, splits, batches -------------------------------------------------------------------

TEST(Split, PermutationIsAPermutationDeterministicAndUniform) {
  const auto p = permutation(1000, 5);
  std::vector<Eigen::Index> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (Eigen::Index i = 0; i < 1000; ++i) ASSERT_EQ(sorted[i], i);
  EXPECT_EQ(p, permutation(1000, 5));
  EXPECT_NE(p, permutation(1000, 5, "shuffle", 1));
  EXPECT_NE(p, permutation(1000, 6));
  // Uniformity: the element landing first is uniform on 0..4 over R rounds; each count is
  // Binomial(R, 1/5), sd = sqrt(R * 0.16); a 5-sigma band.
  const int R = 20000;
  std::vector<int> count(5, 0);
  for (int r = 0; r < R; ++r) ++count[permutation(5, 9, "shuffle", r)[0]];
  for (int c : count) EXPECT_NEAR(c, R / 5.0, 5 * std::sqrt(R * 0.16));
}

TEST(Split, TrainValidationSplitPartitionsTheData) {
  const Dataset ds = make_separable(1, {.n = 101});
  auto [tr, va] = train_val_split(ds, 0.2, 42);
  EXPECT_EQ(va.size(), 20);
  EXPECT_EQ(tr.size(), 81);
  // Rows are distinct (continuous features), so rows identify examples.
  std::set<std::pair<float, float>> all;
  for (Eigen::Index i = 0; i < tr.size(); ++i) all.insert({tr.x(i, 0), tr.x(i, 1)});
  for (Eigen::Index i = 0; i < va.size(); ++i) all.insert({va.x(i, 0), va.x(i, 1)});
  EXPECT_EQ(all.size(), 101u);
  auto [tr2, va2] = train_val_split(ds, 0.2, 42);
  EXPECT_EQ(va.x, va2.x);
  auto [tr3, va3] = train_val_split(ds, 0.2, 43);
  EXPECT_NE(va.x, va3.x);
  // Labels travel with their rows.
  const Dataset sub = subset(ds, {4, 0});
  EXPECT_EQ(sub.labels, (std::vector<int>{ds.labels[4], ds.labels[0]}));
  EXPECT_EQ(sub.x.row(0), ds.x.row(4));
}

TEST(Split, EpochBatchesCoverEveryIndexOnce) {
  const auto b = epoch_batches(10, 3, 0, {.batch_size = 4});
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2].size(), 2u);
  std::vector<Eigen::Index> all;
  for (const auto& x : b) all.insert(all.end(), x.begin(), x.end());
  EXPECT_EQ(all, permutation(10, 3, "shuffle", 0));
  EXPECT_NE(epoch_batches(10, 3, 1, {.batch_size = 4}), b);  // a new order each epoch
  EXPECT_EQ(epoch_batches(10, 3, 0, {.batch_size = 4, .drop_last = true}).size(), 2u);
  const auto seq = epoch_batches(5, 3, 0, {.batch_size = 2, .shuffle = false});
  EXPECT_EQ(seq[0], (std::vector<Eigen::Index>{0, 1}));
  EXPECT_EQ(seq[2], (std::vector<Eigen::Index>{4}));
}

// ---- Errors that must be raised --------------------------------------------------------------------

TEST(DataErrors, IdxWrongMagic) {
  TempDir d;
  write_gz(d.file("im.gz"), idx_images(2049, 1, 2, 2, 4));
  write_gz(d.file("lab.gz"), idx_labels(2051, {1}, 1));
  expect_error<std::runtime_error>([&] { read_idx_images(d.file("im.gz")); },
                                   {d.file("im.gz"), "wrong magic", "expected 2051", "found 2049"});
  expect_error<std::runtime_error>([&] { read_idx_labels(d.file("lab.gz")); },
                                   {d.file("lab.gz"), "wrong magic", "expected 2049", "found 2051"});
}

TEST(DataErrors, IdxTruncatedBodyHeaderAndGzipStream) {
  TempDir d;
  write_raw(d.file("im"), idx_images(2051, 3, 2, 2, 10));  // declares 12 bytes
  expect_error<std::runtime_error>([&] { read_idx_images(d.file("im")); },
                                   {d.file("im"), "truncated", "declares 12", "has 10"});
  write_raw(d.file("trail"), idx_images(2051, 3, 2, 2, 13));
  expect_error<std::runtime_error>([&] { read_idx_images(d.file("trail")); }, {"trailing bytes", "declares 12", "has 13"});
  write_raw(d.file("short"), {0, 0, 8, 3, 0, 0});
  expect_error<std::runtime_error>([&] { read_idx_images(d.file("short")); }, {d.file("short"), "truncated", "needs 16", "has 6"});
  // A gzip stream cut in the middle: zlib reports it, the loader names the file.
  write_gz(d.file("full.gz"), idx_images(2051, 100, 28, 28, 78400));
  std::ifstream in(d.file("full.gz"), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  bytes.resize(bytes.size() / 2);
  std::ofstream(d.file("cut.gz"), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  expect_error<std::runtime_error>([&] { read_idx_images(d.file("cut.gz")); }, {d.file("cut.gz")});
}

TEST(DataErrors, IdxCountMismatchLabelRangeAndMissingFile) {
  TempDir d;
  write_raw(d.file("im"), idx_images(2051, 3, 2, 2, 12));
  write_raw(d.file("lab2"), idx_labels(2049, {0, 1}, 2));
  write_raw(d.file("lab_bad"), idx_labels(2049, {0, 10, 1}, 3));
  expect_error<std::runtime_error>([&] { load_idx_dataset(d.file("im"), d.file("lab2"), 10); },
                                   {"count mismatch", "3 images", "2 labels", d.file("lab2")});
  expect_error<std::runtime_error>([&] { load_idx_dataset(d.file("im"), d.file("lab_bad"), 10); },
                                   {"label 10", "index 1", "expected 0..9", d.file("lab_bad")});
  expect_error<std::runtime_error>([&] { load_fashion_mnist(Split::Train, {}, d.file("nowhere")); },
                                   {"cannot open", "nowhere/train-images-idx3-ubyte.gz"});
}

TEST(DataErrors, DigitsMalformedLines) {
  TempDir d;
  std::string good;
  for (int i = 0; i < 64; ++i) good += "1,";
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(d.file(name)) << text;
    return d.file(name);
  };
  expect_error<std::runtime_error>([&] { load_digits({}, write("few", good + "3\n1,2,3\n")); }, {"line 2", "expected 65", "found 3"});
  expect_error<std::runtime_error>([&] { load_digits({}, write("lab", good + "10\n")); }, {"line 1", "label = 10", "expected 0..9"});
  expect_error<std::runtime_error>([&] { load_digits({}, write("pix", "17," + good.substr(2) + "3\n")); }, {"pixel 1 = 17", "expected 0..16"});
  expect_error<std::runtime_error>([&] { load_digits({}, write("nan", "x," + good.substr(2) + "3\n")); }, {"not an integer", "'x'"});
  expect_error<std::runtime_error>([&] { load_digits({}, write("empty", "")); }, {"no rows"});
}

TEST(DataErrors, CifarSizeAndLabel) {
  TempDir d;
  write_raw(d.file("bad_size.bin"), std::vector<std::uint8_t>(3073 * 2 - 5, 1));
  expect_error<std::runtime_error>([&] { load_cifar10({d.file("bad_size.bin")}); },
                                   {d.file("bad_size.bin"), "6141 bytes", "multiple of 3073"});
  std::vector<std::uint8_t> rec(3073 * 2, 0);
  rec[3073] = 10;
  write_raw(d.file("bad_label.bin"), rec);
  expect_error<std::runtime_error>([&] { load_cifar10({d.file("bad_label.bin")}); }, {"record 1", "label 10", "expected 0..9"});
  expect_error<std::invalid_argument>([&] { load_cifar10({}); }, {"no files"});
}

TEST(DataErrors, BadOptions) {
  expect_error<std::invalid_argument>([] { make_xsinx(1, {.n = 0}); }, {"n must be >= 1", "got 0"});
  expect_error<std::invalid_argument>([] { make_xsinx(1, {.x_min = 3, .x_max = 1}); }, {"x_min < x_max"});
  expect_error<std::invalid_argument>([] { make_piecewise_constant(1, {}, {.breaks = {1}, .levels = {1}}); }, {"levels.size()"});
  expect_error<std::invalid_argument>([] { make_teacher(1, {.hidden = {0}}); }, {"hidden widths", "got 0"});
  expect_error<std::invalid_argument>([] { make_separable(1, {.separation = 0.01, .margin = 5, .max_tries = 50}); },
                                      {"could not draw", "separation"});
  expect_error<std::invalid_argument>([] { train_val_split(make_xsinx(1), 1.0, 1); }, {"val_fraction", "got 1"});
  expect_error<std::invalid_argument>([] { epoch_batches(10, 1, 0, {.batch_size = 0}); }, {"batch_size", "got 0"});
  expect_error<std::invalid_argument>([] { subset(make_xsinx(1), {20}); }, {"index 20 out of range"});
  Dataset ds = make_xsinx(1);
  ds.channels = 1;
  expect_error<std::invalid_argument>([&] { normalize_images(ds, {.normalize = true, .mean = {0, 0}}); }, {"mean", "got 2"});
  expect_error<std::invalid_argument>([&] { normalize_images(ds, {.normalize = true, .stddev = {0}}); }, {"stddev", "> 0"});
}
