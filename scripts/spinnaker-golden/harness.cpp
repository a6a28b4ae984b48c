// SPDX-License-Identifier: MIT
/*
 * Golden values for src/chips/spinnaker/stdp.ts from sPyNNaker's own STDP headers.
 *
 * Build (see README.md here): g++ -std=gnu++20 -I shim -I $SPYNNAKER/neural_modelling/src
 *   -DTIMING=<pair|nearest> -DWEIGHT=<additive|multiplicative> harness.cpp
 * The arithmetic (LUT lookup, SMULBB traces, int16 trace storage, accum weight updates, clamps,
 * the final shift to a 16-bit weight, the post-event history and its window) is sPyNNaker's,
 * included unchanged; this file only plays a sequence of spikes into it, the way
 * synapse_dynamics_stdp_mad_impl.c does (process_plastic_synapses and
 * plasticity_update_synapse with no delays and colour_delay 0), and prints the state.
 *
 * stdin: LUT+ (size shift values...), LUT- (same), region (min max a2+ a2- as s16.15 bits),
 *        weight_shift, n_pre n_post, n_pre*n_post initial weights, n_ops, then n_ops lines
 *        "kind index time" (kind 0 = pre spike of pre neuron, 1 = post spike of post neuron).
 * stdout: one JSON object per op: weights after it, pre traces, last post traces.
 */
#include <common/neuron-typedefs.h>
#include <debug.h>
#include <spin1_api.h>
#include <stdio.h>
#include <vector>

#define WEIGHT_additive 1
#define WEIGHT_multiplicative 2
#define TIMING_pair 1
#define TIMING_nearest 2
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)

#if XCAT(WEIGHT_, WEIGHT) == WEIGHT_additive
#include <neuron/plasticity/stdp/weight_dependence/weight_additive_one_term_impl.h>
#elif XCAT(WEIGHT_, WEIGHT) == WEIGHT_multiplicative
#include <neuron/plasticity/stdp/weight_dependence/weight_multiplicative_impl.h>
#else
#error "WEIGHT must be additive or multiplicative"
#endif

#if XCAT(TIMING_, TIMING) == TIMING_pair
#include <neuron/plasticity/stdp/timing_dependence/timing_pair_impl.h>
#define TRACE_VALUE(x) ((int)(x))
#elif XCAT(TIMING_, TIMING) == TIMING_nearest
#include <neuron/plasticity/stdp/timing_dependence/timing_nearest_pair_impl.h>
#define TRACE_VALUE(x) 0
#else
#error "TIMING must be pair or nearest"
#endif
#include <neuron/plasticity/stdp/post_events.h>

// Globals the headers declare extern (timing_*_impl.c / weight_*_impl.c define them on the chip).
int16_lut *tau_plus_lookup;
int16_lut *tau_minus_lookup;
plasticity_weight_region_data_t *plasticity_weight_region_data;
uint32_t *weight_shift;

static long next_int() {
  long v;
  if (scanf("%ld", &v) != 1) { fprintf(stderr, "harness: short input\n"); exit(2); }
  return v;
}

static int16_lut *read_lut() {
  uint32_t size = (uint32_t)next_int(), shift = (uint32_t)next_int();
  int16_lut *lut = spin1_malloc(sizeof(int16_lut) + size * sizeof(int16_t));
  lut->size = (uint16_t)size;
  lut->shift = (uint16_t)shift;
  for (uint32_t i = 0; i < size; i++) lut->values[i] = (int16_t)next_int();
  return lut;
}

// One synapse, as plasticity_update_synapse does it with zero axonal and dendritic delay.
static weight_t update_synapse(uint32_t time, uint32_t last_pre_time, pre_trace_t last_pre_trace,
                               pre_trace_t new_pre_trace, weight_t w, const post_event_history_t *history) {
  update_state_t state = weight_get_initial(w, 0);
  post_event_window_t window = post_events_get_window_delayed(history, last_pre_time, time);
  while (window.num_events > 0) {
    state = timing_apply_post_spike(*window.next_time, *window.next_trace, last_pre_time, last_pre_trace,
                                    window.prev_time, window.prev_trace, state);
    window = post_events_next(window);
  }
  if (window.prev_time_valid)
    state = timing_apply_pre_spike(time, new_pre_trace, last_pre_time, last_pre_trace, window.prev_time,
                                   window.prev_trace, state);
  return weight_get_final(state);
}

int main() {
  tau_plus_lookup = read_lut();
  tau_minus_lookup = read_lut();
  static plasticity_weight_region_data_t region;
  region.min_weight = kbits((int32_t)next_int());
  region.max_weight = kbits((int32_t)next_int());
  region.a2_plus = kbits((int32_t)next_int());
  region.a2_minus = kbits((int32_t)next_int());
  plasticity_weight_region_data = &region;
  static uint32_t shift;
  shift = (uint32_t)next_int();
  weight_shift = &shift;

  const uint32_t n_pre = (uint32_t)next_int(), n_post = (uint32_t)next_int();
  std::vector<weight_t> w(n_pre * n_post);
  for (auto &x : w) x = (weight_t)next_int();
  std::vector<uint32_t> pre_time(n_pre, 0);  // the host writes prev_time 0 and a zero trace
  std::vector<pre_trace_t> pre_trace(n_pre);
  for (auto &t : pre_trace) t = pre_trace_t{};
  post_event_history_t *history = post_events_init_buffers(n_post);

  const long n_ops = next_int();
  for (long k = 0; k < n_ops; k++) {
    const long kind = next_int(), idx = next_int();
    const uint32_t time = (uint32_t)next_int();
    if (kind == 0) {  // synapse_dynamics_process_plastic_synapses for the row of pre neuron idx
      const uint32_t last_time = pre_time[idx];
      const pre_trace_t last_trace = pre_trace[idx];
      pre_time[idx] = time;
      pre_trace[idx] = timing_add_pre_spike(time, last_time, last_trace);
      for (uint32_t j = 0; j < n_post; j++)
        w[idx * n_post + j] = update_synapse(time, last_time, last_trace, pre_trace[idx], w[idx * n_post + j], &history[j]);
    } else {  // synapse_dynamics_process_post_synaptic_event
      post_event_history_t *h = &history[idx];
      const uint32_t last_time = h->times[h->count_minus_one];
      const post_trace_t last_trace = h->traces[h->count_minus_one];
      post_events_add(time, h, timing_add_post_spike(time, last_time, last_trace));
    }
    printf("{\"w\":[");
    for (size_t i = 0; i < w.size(); i++) printf("%s%u", i ? "," : "", (unsigned)w[i]);
    printf("],\"preTrace\":[");
    for (uint32_t i = 0; i < n_pre; i++) printf("%s%d", i ? "," : "", TRACE_VALUE(pre_trace[i]));
    printf("],\"postTrace\":[");
    for (uint32_t j = 0; j < n_post; j++) printf("%s%d", j ? "," : "", TRACE_VALUE(history[j].traces[history[j].count_minus_one]));
    printf("]}\n");
  }
  return 0;
}
