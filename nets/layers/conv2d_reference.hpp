#pragma once
// Naive direct-loop convolution: the definition, written independently of im2col, used only to
// test the fast path (tests/test_nets_layers.cpp).
//   y[n,o,oy,ox] = b[o] + sum_{c,i,j} W[o,(c*kh+i)*kw+j] x[n,c,oy*s-p+i,ox*s-p+j]
//   dx[n,c,iy,ix] = sum over (o,oy,ox,i,j) with iy = oy*s-p+i, ix = ox*s-p+j of W[o,.] dy[n,o,oy,ox]
//   dW[o,(c,i,j)] = sum_{n,oy,ox} dy[n,o,oy,ox] x[n,c,oy*s-p+i,ox*s-p+j]
#include "nets/layers/conv2d.hpp"

namespace regcheck::nets::reference {

template <class T>
Act<T> conv2d_forward(const Act<T>& x, const Mat<T>& W, const Mat<T>& b, const ConvGeometry& g) {
  Act<T> y = Act<T>::Zero(x.rows(), static_cast<Eigen::Index>(g.cout) * g.ho * g.wo);
  for (Eigen::Index n = 0; n < x.rows(); ++n)
    for (int o = 0; o < g.cout; ++o)
      for (int oy = 0; oy < g.ho; ++oy)
        for (int ox = 0; ox < g.wo; ++ox) {
          T acc = b.size() ? b(o, 0) : T(0);
          for (int c = 0; c < g.cin; ++c)
            for (int i = 0; i < g.kh; ++i)
              for (int j = 0; j < g.kw; ++j) {
                const int iy = oy * g.s - g.p + i, ix = ox * g.s - g.p + j;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                acc += W(o, (c * g.kh + i) * g.kw + j) * x(n, (c * g.h + iy) * g.w + ix);
              }
          y(n, (o * g.ho + oy) * g.wo + ox) = acc;
        }
  return y;
}

// Returns dx; adds dW and db into the given matrices.
template <class T>
Act<T> conv2d_backward(const Act<T>& x, const Mat<T>& W, const Act<T>& dy, const ConvGeometry& g, Mat<T>& dW,
                       Mat<T>& db) {
  Act<T> dx = Act<T>::Zero(x.rows(), x.cols());
  for (Eigen::Index n = 0; n < x.rows(); ++n)
    for (int o = 0; o < g.cout; ++o)
      for (int oy = 0; oy < g.ho; ++oy)
        for (int ox = 0; ox < g.wo; ++ox) {
          const T d = dy(n, (o * g.ho + oy) * g.wo + ox);
          db(o, 0) += d;
          for (int c = 0; c < g.cin; ++c)
            for (int i = 0; i < g.kh; ++i)
              for (int j = 0; j < g.kw; ++j) {
                const int iy = oy * g.s - g.p + i, ix = ox * g.s - g.p + j;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                const Eigen::Index k = (c * g.kh + i) * g.kw + j, xi = (c * g.h + iy) * g.w + ix;
                dW(o, k) += d * x(n, xi);
                dx(n, xi) += d * W(o, k);
              }
        }
  return dx;
}

}  // namespace regcheck::nets::reference
