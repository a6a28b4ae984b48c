// SPDX-License-Identifier: MIT
// ffsnn shim: logging compiled out, as in a release build (LOG_LEVEL below LOG_DEBUG).
#pragma once
#define LOG_DEBUG 30
#define LOG_LEVEL 0
#define log_debug(...) do {} while (0)
#define log_info(...) do {} while (0)
#define log_error(...) do {} while (0)
