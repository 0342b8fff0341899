// Closed forms of the tl1 claims: see theory/tl1.hpp.
#include "theory/tl1.hpp"
