// SPDX-License-Identifier: MIT
// ffsnn shim for timing_dependence/timing.h: only declarations, the implementations are inline.
#pragma once
