#pragma once
// From a TrainConfig to the objects a run needs: the model (shapes checked layer by layer, errors
// naming the config path of the layer) and the train/test data (format errors of the data files
// become std::invalid_argument naming the data field).
#include "nets/data/dataset.hpp"
#include "nets/model/sequential.hpp"
#include "nets/train/config.hpp"

#include <memory>

namespace regcheck::nets::train {

LayerPtr<float> make_layer(const LayerSpec& s);

// Builds and initializes the model (PyTorch-default init from seed). Throws
// std::invalid_argument "model.layers[k]: <what the layer reported>" for a shape error.
std::unique_ptr<Sequential<float>> build_model(const ModelSpec& spec, std::uint64_t seed);

struct TrainData {
  Dataset train, test;  // test may be empty (no test metrics then)
  bool classification() const { return !train.labels.empty(); }
};

// Loads or generates the data; everything random (splits, synthetic examples) comes from seed.
TrainData load_data(const DataSpec& spec, std::uint64_t seed);

// Checks that the model fits the data: input features, output width = classes (cross-entropy)
// or target width (mse), and the loss fits the labels. Throws std::invalid_argument naming
// model.input, model.layers or loss.
LossKind check_model_fits_data(const ModelSpec& spec, const Sequential<float>& m, const TrainData& d,
                               std::optional<LossKind> loss);

}  // namespace regcheck::nets::train
