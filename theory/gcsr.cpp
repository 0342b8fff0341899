// Closed forms of the gcsr claims: see theory/gcsr.hpp.
#include "theory/gcsr.hpp"
