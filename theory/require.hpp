#pragma once
// Argument checks for theory/ functions that sit in hot loops (prox operators are called per
// weight per step by the trainer and millions of times by brute-force checks).
//
// REGCHECK_REQUIRE(cond, message) throws std::invalid_argument(message) when cond is false, and
// evaluates `message` (string building, number formatting) only then: a function taking the
// message as a std::string would format it on every successful call, which costs more than the
// prox itself.
#include <stdexcept>

#define REGCHECK_REQUIRE(cond, message)                            \
  do {                                                             \
    if (!(cond)) [[unlikely]]                                      \
      throw std::invalid_argument(message);                        \
  } while (0)
