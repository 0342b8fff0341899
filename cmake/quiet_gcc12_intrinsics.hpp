// Force-included before every translation unit when compiling with GCC 12 (see CMakeLists.txt).
// GCC 12's AVX-512 intrinsic headers initialize placeholders from themselves (`__m512d __Y = __Y;`
// in _mm512_undefined_pd and friends), and once Eigen's packet math inlines them into our
// functions, -Wuninitialized reports those lines although they are in a system header (GCC bug
// 105593, fixed in GCC 13 by a pragma inside the headers themselves). Including the intrinsics
// here, inside a diagnostic region that ignores -Wuninitialized, silences exactly those header
// lines: the warning stays on for every line of ours.
#pragma once
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12 && defined(__AVX512F__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif
