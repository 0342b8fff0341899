#include "theory/dlbook_noise.hpp"
