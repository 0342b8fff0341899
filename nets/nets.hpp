#pragma once
// The compact CPU trainer's model core: layers, losses, Sequential, metrics.
#include "nets/layers/activations.hpp"
#include "nets/layers/batchnorm.hpp"
#include "nets/layers/conv2d.hpp"
#include "nets/layers/dense.hpp"
#include "nets/layers/pool.hpp"
#include "nets/layers/residual.hpp"
#include "nets/loss.hpp"
#include "nets/model/metrics.hpp"
#include "nets/model/sequential.hpp"
