#pragma once
// The figures of one empirical claim of `regcheck report`, drawn with gnuplot (gnuplot.hpp) from
// one entry of the `claims` array of `regcheck reproduce --json`.
#include "reports/src/figures.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace regcheck::report {

// Per claim, where the data allow:
//  - every per-epoch curve (arms[].curves) with its 95% CI band, one figure per metric (log y for
//    gradient magnitudes);
//  - the final value of the claim's metric (and, for the x sin x fits, every fit_probe metric)
//    per arm with 95% CI bars, over the arms' parameter (p, lambda, a, ...) when the arm names
//    carry one (e.g. "p=0.60", "l1-1e-3"), else one bar per arm; over the final test accuracy,
//    each distinct band of the claim's "acc(...)" band rows (band_lo, band_hi) as a shaded
//    chance band (the collapse of gcsr figs. 1 and 7);
//  - the fitted curves of a 1-D regression (arms[].profiles "fit_probe.curve.output" over
//    "fit_probe.curve.x"): per arm the mean with its 95% CI band, and the noise-free target;
//  - sparsity against accuracy per arm when both are final metrics of a sparsity claim;
//  - band tests over k ("k = 3: ...", the bagging claim): the measured ratio to the prediction
//    v/k + (k-1)c/k with its CI and the tolerance band.
// Captions name what is plotted and the number of seeds per arm. Throws GnuplotError when gnuplot
// cannot draw.
std::vector<RenderedFigure> empirical_figures(const nlohmann::json& claim);

// "dropact.fig2.p-sweep" -> "dropact-fig2-p-sweep": a file-name stem (letters, digits, '-').
std::string file_stem(const std::string& id);

}  // namespace regcheck::report
