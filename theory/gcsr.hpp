#pragma once
// Closed forms of the gcsr source (../shared/CLAIMS.md, section "gcsr").
namespace regcheck::theory::gcsr {}
