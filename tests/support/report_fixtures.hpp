#pragma once
// The inputs of the `regcheck report` tests, made once per test process with the regcheck binary:
// verify of three analytic claims (dlbook.7_2_1.ridge FAILS as printed, its .corrected HOLDS,
// dropact.prop5_2.value-095 HOLDS: the shift ratio at p = 0.95 is 0.9377, Drop-Activation section
// 5.2) and reproduce at smoke scale of two empirical claims (gcsr.fig2.gradient-decay,
// dlbook.7_10.bagging), and a report of them.
#include "tests/support/cli_harness.hpp"

#include <gtest/gtest.h>

namespace regcheck::test {

struct ReportFixtures {
  fs::path dir, verify, reproduce;
};

inline const ReportFixtures& report_fixtures() {
  static const ReportFixtures f = [] {
    ReportFixtures x{scratch() / "fx", {}, {}};
    fs::create_directories(x.dir);
    x.verify = x.dir / "v.json", x.reproduce = x.dir / "r.json";
    const CliRun v = run("verify --claim dlbook.7_2_1.ridge --claim dlbook.7_2_1.ridge.corrected --claim dropact.prop5_2.value-095 --json " +
                         x.verify.string());
    EXPECT_EQ(v.code, 0) << v.out << v.err;
    const CliRun r = run("reproduce --scale smoke --claim gcsr.fig2.gradient-decay --claim dlbook.7_10.bagging --store " +
                         (x.dir / "r.sqlite").string() + " --json " + x.reproduce.string());
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return x;
  }();
  return f;
}

// `regcheck report` of the fixtures into `out`.
inline CliRun report_of_fixtures(const fs::path& out) {
  return run("report --from " + report_fixtures().verify.string() + " --from " + report_fixtures().reproduce.string() + " --out " +
             out.string());
}

}  // namespace regcheck::test
