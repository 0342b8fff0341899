#pragma once
// 2-D convolution, as torch.nn.Conv2d (no dilation, no groups), by im2col + GEMM.
//
// Shapes (per example n): x_n (Cin, H, W), W (Cout, Cin*kh*kw) (row = one filter, the group of
// group lasso), b (Cout), y_n (Cout, Ho, Wo) with Ho = (H + 2p - kh)/s + 1, Wo likewise.
// im2col: cols_n (Cin*kh*kw, Ho*Wo), cols_n[(c*kh+i)*kw+j, oy*Wo+ox] = x_n[c, oy*s-p+i, ox*s-p+j]
// (0 outside the image), so y_n = W cols_n + b 1^T, a GEMM (Cout x CinKK) (CinKK x Ho*Wo).
// Gradient (dy_n = dL/dy_n as (Cout, Ho*Wo)):
//   dW = sum_n dy_n cols_n^T                  (Cout, CinKK)
//   db[o] = sum_n sum_q dy_n[o, q]
//   dcols_n = W^T dy_n, then dx_n = col2im(dcols_n): each column entry is added back to the
//   input pixel it was copied from (the adjoint of the im2col gather is a scatter-add).
// Batched GEMMs: examples are processed in fixed chunks of B = 8. A chunk's cols are laid side by
// side, cols_B (CinKK, B*Ho*Wo) = [cols_n0 ... cols_n7], so forward is ONE product
// W cols_B (Cout x CinKK)(CinKK x B*Ho*Wo) per chunk and backward two: dW_chunk = dY_B cols_B^T
// (a k = B*Ho*Wo reduction) and dcols_B = W^T dY_B. Per example the products had N = Ho*Wo = 49
// columns on the last convnet layer (7x7), far too few for the GEMM kernel to reach its rate
// (issue 13 profile); B = 8 gives 392.
// Threads: the chunks are fixed by the batch size alone; each chunk's dW is one product and the
// chunk partials are added in chunk order, so the sum never depends on the thread count.
// im2col / col2im: for stride 1 with "same" width each kernel offset's row is one contiguous
// shifted copy of the input plane (see same_plane_run), instead of a bounds test per element:
// im2col and col2im had become 30% of the convnet step once the GEMMs were batched (perf, issue 13).
// cols are recomputed in backward rather than stored (storing them for a batch would cost
// N * CinKK * Ho*Wo floats; recomputing is a cheap gather next to the GEMM).
#include "nets/init.hpp"
#include "nets/layers/layer.hpp"
#include "nets/parallel.hpp"

#include <algorithm>

namespace regcheck::nets {

struct Conv2dOptions {
  int out_channels = 1;
  int kernel_h = 3, kernel_w = 3;
  int stride = 1;
  int padding = 0;
  bool bias = true;
};

// Geometry shared by the fast and the reference implementation.
struct ConvGeometry {
  int cin, h, w, cout, kh, kw, s, p, ho, wo;
  Eigen::Index ckk() const { return static_cast<Eigen::Index>(cin) * kh * kw; }
  Eigen::Index hw_out() const { return static_cast<Eigen::Index>(ho) * wo; }
};

// cols: row r of the example's (CinKK, Ho*Wo) block starts at cols + r * ld (ld >= Ho*Wo: the
// example's block inside a chunk's side-by-side cols_B, see above).
// Stride 1 with output width = input width ("same" padding, e.g. 3x3 with p = 1): the cols row
// of kernel offset (i, j) is the input plane shifted by (i - p) rows and (j - p) columns, so over
// the valid output rows [oy0, oy1) out[t] = in_plane[t + (i - p) w + (j - p)] is ONE contiguous
// copy; only the ox < lo and ox >= hi entries of each row (at most p per side) picked up a
// neighbouring row's pixel and are set back to 0. The copy starts at the first valid entry and
// ends after the last, so it never reads outside the plane.
struct SamePlaneRun {
  int oy0, oy1, lo, hi;  // valid output rows [oy0, oy1) and columns [lo, hi)
  Eigen::Index shift;    // input index - output index, within one channel plane
  Eigen::Index t0, t1;   // the contiguous run [t0, t1) of the cols row; empty when nothing is valid
};
inline SamePlaneRun same_plane_run(const ConvGeometry& g, int i, int j) {
  const int oy0 = std::clamp(g.p - i, 0, g.ho), oy1 = std::clamp(g.h + g.p - i, oy0, g.ho);
  const int lo = std::clamp(g.p - j, 0, g.wo), hi = std::clamp(g.w + g.p - j, lo, g.wo);
  const bool empty = oy0 >= oy1 || lo >= hi;
  const Eigen::Index t0 = empty ? 0 : static_cast<Eigen::Index>(oy0) * g.wo + lo;
  const Eigen::Index t1 = empty ? 0 : static_cast<Eigen::Index>(oy1 - 1) * g.wo + hi;
  return {oy0, oy1, lo, hi, static_cast<Eigen::Index>(i - g.p) * g.w + (j - g.p), t0, t1};
}
inline bool same_width_stride1(const ConvGeometry& g) { return g.s == 1 && g.wo == g.w; }
// The entries ox < lo and ox >= hi of the valid rows: padding, which the run [t0, t1) crosses.
template <class T>
void zero_padding_columns(T* row, const SamePlaneRun& r, int wo) {
  for (int oy = r.oy0; oy < r.oy1; ++oy) {
    T* out = row + static_cast<Eigen::Index>(oy) * wo;
    for (int ox = 0; ox < r.lo; ++ox) out[ox] = T(0);
    for (int ox = r.hi; ox < wo; ++ox) out[ox] = T(0);
  }
}

template <class T>
void im2col_general(const T* x, const ConvGeometry& g, T* cols, Eigen::Index ld);
template <class T>
void col2im_add_general(const T* cols, const ConvGeometry& g, T* dx, Eigen::Index ld);

template <class T>
void im2col(const T* x, const ConvGeometry& g, T* cols, Eigen::Index ld) {
  if (!same_width_stride1(g)) return im2col_general(x, g, cols, ld);
  const Eigen::Index size = g.hw_out();
  for (int c = 0; c < g.cin; ++c) {
    const T* plane = x + static_cast<Eigen::Index>(c) * g.h * g.w;
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        T* row = cols + ((static_cast<Eigen::Index>(c) * g.kh + i) * g.kw + j) * ld;
        const SamePlaneRun r = same_plane_run(g, i, j);
        for (Eigen::Index t = 0; t < r.t0; ++t) row[t] = T(0);
        for (Eigen::Index t = r.t0; t < r.t1; ++t) row[t] = plane[t + r.shift];
        for (Eigen::Index t = r.t1; t < size; ++t) row[t] = T(0);
        zero_padding_columns(row, r, g.wo);
      }
  }
}

// The general loops (any stride and padding): the reference of the path above
// (tests/test_nets_layers.cpp compares them bit for bit).
template <class T>
void im2col_general(const T* x, const ConvGeometry& g, T* cols, Eigen::Index ld) {
  const Eigen::Index q = ld;
  for (int c = 0; c < g.cin; ++c)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        T* row = cols + ((static_cast<Eigen::Index>(c) * g.kh + i) * g.kw + j) * q;
        for (int oy = 0; oy < g.ho; ++oy) {
          const int iy = oy * g.s - g.p + i;
          T* out = row + static_cast<Eigen::Index>(oy) * g.wo;
          if (iy < 0 || iy >= g.h) {
            for (int ox = 0; ox < g.wo; ++ox) out[ox] = T(0);
            continue;
          }
          const T* in = x + (static_cast<Eigen::Index>(c) * g.h + iy) * g.w;
          for (int ox = 0; ox < g.wo; ++ox) {
            const int ix = ox * g.s - g.p + j;
            out[ox] = (ix >= 0 && ix < g.w) ? in[ix] : T(0);
          }
        }
      }
}

// cols is scratch: on the same-width stride-1 path the entries that correspond to padding
// (ox < lo, ox >= hi) are overwritten with +0, so that one contiguous pass adds +0 to the
// neighbouring pixels they line up with. Bit-identical to skipping them: dx starts at +0 and a
// sum that starts at +0 is never -0, and v + (+0) = v for every other v (NaN and inf included).
// Each pixel still receives its contributions in the (c, i, j, oy) order of the general loops.
template <class T>
void col2im_add(T* cols, const ConvGeometry& g, T* dx, Eigen::Index ld) {
  if (!same_width_stride1(g)) return col2im_add_general(cols, g, dx, ld);
  for (int c = 0; c < g.cin; ++c) {
    T* plane = dx + static_cast<Eigen::Index>(c) * g.h * g.w;
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        T* row = cols + ((static_cast<Eigen::Index>(c) * g.kh + i) * g.kw + j) * ld;
        const SamePlaneRun r = same_plane_run(g, i, j);
        zero_padding_columns(row, r, g.wo);
        for (Eigen::Index t = r.t0; t < r.t1; ++t) plane[t + r.shift] += row[t];
      }
  }
}

template <class T>
void col2im_add_general(const T* cols, const ConvGeometry& g, T* dx, Eigen::Index ld) {
  const Eigen::Index q = ld;
  for (int c = 0; c < g.cin; ++c)
    for (int i = 0; i < g.kh; ++i)
      for (int j = 0; j < g.kw; ++j) {
        const T* row = cols + ((static_cast<Eigen::Index>(c) * g.kh + i) * g.kw + j) * q;
        for (int oy = 0; oy < g.ho; ++oy) {
          const int iy = oy * g.s - g.p + i;
          if (iy < 0 || iy >= g.h) continue;
          const T* in = row + static_cast<Eigen::Index>(oy) * g.wo;
          T* out = dx + (static_cast<Eigen::Index>(c) * g.h + iy) * g.w;
          for (int ox = 0; ox < g.wo; ++ox) {
            const int ix = ox * g.s - g.p + j;
            if (ix >= 0 && ix < g.w) out[ix] += in[ox];
          }
        }
      }
}

template <class T>
class Conv2d final : public Layer<T> {
 public:
  using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Map = Eigen::Map<RowMat>;
  using CMap = Eigen::Map<const RowMat>;
  static constexpr Eigen::Index kChunk = 8;  // examples per fixed reduction chunk

  explicit Conv2d(Conv2dOptions o) : o_(o) {}
  std::string kind() const override { return "conv2d"; }

  Shape setup(const Shape& in) override {
    if (o_.out_channels <= 0) this->fail(fmt::format("out_channels must be positive, got {}", o_.out_channels));
    if (o_.kernel_h <= 0 || o_.kernel_w <= 0)
      this->fail(fmt::format("kernel must be positive, got {}x{}", o_.kernel_h, o_.kernel_w));
    if (o_.stride <= 0) this->fail(fmt::format("stride must be positive, got {}", o_.stride));
    if (o_.padding < 0) this->fail(fmt::format("padding must be >= 0, got {}", o_.padding));
    if (in.c <= 0 || in.h <= 0 || in.w <= 0) this->fail(fmt::format("input shape {} is not an image", in.str()));
    const int ho = (in.h + 2 * o_.padding - o_.kernel_h) / o_.stride + 1;
    const int wo = (in.w + 2 * o_.padding - o_.kernel_w) / o_.stride + 1;
    if (in.h + 2 * o_.padding < o_.kernel_h || in.w + 2 * o_.padding < o_.kernel_w)
      this->fail(fmt::format("kernel {}x{} (padding {}) does not fit input shape {}", o_.kernel_h, o_.kernel_w,
                             o_.padding, in.str()));
    g_ = {in.c, in.h, in.w, o_.out_channels, o_.kernel_h, o_.kernel_w, o_.stride, o_.padding, ho, wo};
    this->in_ = in;
    this->out_ = Shape{o_.out_channels, ho, wo};
    W_ = {fmt::format("{}.weight", this->label()), Mat<T>::Zero(g_.cout, g_.ckk()), Mat<T>::Zero(g_.cout, g_.ckk()),
          true, this->index_};
    b_ = {fmt::format("{}.bias", this->label()), Mat<T>::Zero(g_.cout, 1), Mat<T>::Zero(g_.cout, 1), false,
          this->index_};
    return this->out_;
  }
  void init(std::uint64_t seed) override {
    init_uniform_fan_in(W_, o_.bias ? &b_ : nullptr, static_cast<double>(g_.ckk()), seed, this->index_);
  }

  void forward(const Act<T>& x, Act<T>& y, const RunContext&) override {
    const Eigen::Index N = x.rows(), Q = g_.hw_out();
    y.resize(N, static_cast<Eigen::Index>(g_.cout) * Q);
    ensure_buffers();
    const Split chunks(N, kChunk);
    for_each_index(chunks.pieces, [&](Eigen::Index k) {
      const int t = omp_get_thread_num();
      const Eigen::Index n0 = chunks.begin(k), nb = chunks.size(k), ld = nb * Q;
      Map cols(cols_[t].data(), g_.ckk(), ld), yb(ybuf_[t].data(), g_.cout, ld);
      for (Eigen::Index b = 0; b < nb; ++b) im2col(x.row(n0 + b).data(), g_, cols.data() + b * Q, ld);
      yb.noalias() = W_.value * cols;
      for (Eigen::Index b = 0; b < nb; ++b) {
        Map yn(y.row(n0 + b).data(), g_.cout, Q);
        if (o_.bias)  // one pass: the copy out of the chunk's buffer and the bias add
          yn = yb.middleCols(b * Q, Q).colwise() + b_.value.col(0);
        else
          yn = yb.middleCols(b * Q, Q);
      }
    });
  }

  void backward(const Act<T>& x, const Act<T>&, const Act<T>& dy, Act<T>& dx, bool need_dx) override {
    const Eigen::Index N = x.rows(), Q = g_.hw_out();
    ensure_buffers();
    const Split chunks(N, kChunk);
    if (static_cast<Eigen::Index>(dW_part_.size()) < chunks.pieces) {
      dW_part_.resize(chunks.pieces);
      db_part_.resize(chunks.pieces);
    }
    if (need_dx) dx.resize(N, this->in_.size());  // zeroed per chunk below, by its thread, just before col2im
    for_each_index(chunks.pieces, [&](Eigen::Index k) {
      const int t = omp_get_thread_num();
      const Eigen::Index n0 = chunks.begin(k), nb = chunks.size(k), ld = nb * Q;
      Map cols(cols_[t].data(), g_.ckk(), ld), dcols(dcols_[t].data(), g_.ckk(), ld), dyb(ybuf_[t].data(), g_.cout, ld);
      for (Eigen::Index b = 0; b < nb; ++b) {
        im2col(x.row(n0 + b).data(), g_, cols.data() + b * Q, ld);
        dyb.middleCols(b * Q, Q) = CMap(dy.row(n0 + b).data(), g_.cout, Q);
      }
      dW_part_[k].noalias() = dyb * cols.transpose();
      db_part_[k] = dyb.rowwise().sum();
      if (need_dx) {
        dcols.noalias() = W_.value.transpose() * dyb;
        dx.middleRows(n0, nb).setZero();
        for (Eigen::Index b = 0; b < nb; ++b) col2im_add(dcols.data() + b * Q, g_, dx.row(n0 + b).data(), ld);
      }
    });
    for (Eigen::Index k = 0; k < chunks.pieces; ++k) {
      W_.grad += dW_part_[k];
      if (o_.bias) b_.grad.col(0) += db_part_[k];
    }
  }

  std::vector<Param<T>*> params() override {
    if (o_.bias) return {&W_, &b_};
    return {&W_};
  }
  LayerCost cost() const override {
    const double Q = static_cast<double>(g_.hw_out()), O = g_.cout, K = static_cast<double>(g_.ckk());
    const double nnz = static_cast<double>((W_.value.array() != T(0)).count());
    const double alive = static_cast<double>((W_.value.array() != T(0)).rowwise().any().count());
    return {O * K + (o_.bias ? O : 0), nnz + (o_.bias ? alive : 0), 2 * O * K * Q, 2 * nnz * Q};
  }
  const ConvGeometry& geometry() const { return g_; }
  Param<T>& weight() { return W_; }
  Param<T>& bias() { return b_; }

 private:
  void ensure_buffers() {
    const std::size_t threads = static_cast<std::size_t>(omp_get_max_threads());
    if (cols_.size() < threads) {
      cols_.resize(threads);
      dcols_.resize(threads);
      ybuf_.resize(threads);
    }
    for (std::size_t t = 0; t < cols_.size(); ++t) {  // no-ops after the first step (same sizes)
      cols_[t].resize(g_.ckk(), kChunk * g_.hw_out());
      dcols_[t].resize(g_.ckk(), kChunk * g_.hw_out());
      ybuf_[t].resize(g_.cout, kChunk * g_.hw_out());
    }
  }
  Conv2dOptions o_;
  ConvGeometry g_{};
  Param<T> W_, b_;
  std::vector<RowMat> cols_, dcols_, ybuf_;  // per-thread scratch, room for a chunk (contents never affect results)
  std::vector<Mat<T>> dW_part_;       // per-chunk partial gradients (fixed reduction order)
  std::vector<Vec<T>> db_part_;
};

}  // namespace regcheck::nets
