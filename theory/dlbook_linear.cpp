#include "theory/dlbook_linear.hpp"
