// SPDX-License-Identifier: MIT
// ffsnn shim with the semantics of sPyNNaker's synapse_structure_weight_impl.h: the plastic word
// is the 16-bit weight itself, the update state is the weight dependence's state.
#pragma once
typedef weight_t plastic_synapse_t;
typedef weight_state_t update_state_t;
typedef weight_t final_state_t;
