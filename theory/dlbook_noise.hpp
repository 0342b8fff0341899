#pragma once
// Closed forms of Deep Learning ch. 7 (noise group).
namespace regcheck::theory::dlbook {}
