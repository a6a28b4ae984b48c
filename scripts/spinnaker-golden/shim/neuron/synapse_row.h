// SPDX-License-Identifier: MIT
// ffsnn shim: weight_t comes from common/neuron-typedefs.h; nothing else of synapse_row.h is used.
#pragma once
