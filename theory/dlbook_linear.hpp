#pragma once
// Closed forms of Deep Learning ch. 7 (linear group).
namespace regcheck::theory::dlbook {}
