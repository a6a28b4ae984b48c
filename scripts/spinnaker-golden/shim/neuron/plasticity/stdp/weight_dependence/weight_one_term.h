// SPDX-License-Identifier: MIT
// ffsnn shim for weight_dependence/weight_one_term.h: only declarations, the implementations are inline.
#pragma once
