#pragma once
// Closed forms of the tl1 source (../shared/CLAIMS.md, section "tl1").
namespace regcheck::theory::tl1 {}
