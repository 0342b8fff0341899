// The registered experiments of `regcheck reproduce`: one line per empirical catalog ID that is
// implemented (claims/CATALOG.md, "Empirical claims"). Each is defined in claims/<source>/.
#include "claims/core/experiment.hpp"

namespace regcheck::claims {

void register_dropact_fig2_p_sweep(ExperimentRegistry&);
void register_dropact_fig3_regression(ExperimentRegistry&);
void register_dropact_tab1_4_vs_rrelu(ExperimentRegistry&);
void register_dropact_fig6_bn_shift(ExperimentRegistry&);
void register_gcsr_fig1_tolerance(ExperimentRegistry&);
void register_gcsr_fig2_gradient_decay(ExperimentRegistry&);
void register_gcsr_fig3_coherence(ExperimentRegistry&);
void register_gcsr_fig7_depth(ExperimentRegistry&);
void register_gcsr_tab3_compression(ExperimentRegistry&);
void register_tl1_tab2_compare(ExperimentRegistry&);
void register_tl1_tab3_interpret(ExperimentRegistry&);
void register_tl1_fig7_a_effect(ExperimentRegistry&);
void register_dlbook_fig7_3_early_stopping(ExperimentRegistry&);
void register_dlbook_7_10_bagging(ExperimentRegistry&);
void register_dlbook_7_11_inference(ExperimentRegistry&);

// In the catalog's order (claims/CATALOG.md, "Empirical claims").
const ExperimentRegistry& all_experiments() {
  static const ExperimentRegistry r = [] {
    ExperimentRegistry x;
    register_dropact_fig2_p_sweep(x);
    register_dropact_fig3_regression(x);
    register_dropact_tab1_4_vs_rrelu(x);
    register_dropact_fig6_bn_shift(x);
    register_gcsr_fig1_tolerance(x);
    register_gcsr_fig2_gradient_decay(x);
    register_gcsr_fig3_coherence(x);
    register_gcsr_fig7_depth(x);
    register_gcsr_tab3_compression(x);
    register_tl1_tab2_compare(x);
    register_tl1_tab3_interpret(x);
    register_tl1_fig7_a_effect(x);
    register_dlbook_fig7_3_early_stopping(x);
    register_dlbook_7_10_bagging(x);
    register_dlbook_7_11_inference(x);
    return x;
  }();
  return r;
}

}  // namespace regcheck::claims
