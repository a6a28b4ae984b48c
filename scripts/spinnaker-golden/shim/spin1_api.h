// SPDX-License-Identifier: MIT
// ffsnn shim: DTCM allocation and copy on the host.
#pragma once
#include <stdlib.h>
#include <string.h>
struct ffsnn_any_ptr { void *p; template <class T> operator T *() const { return (T *)p; } };
#define spin1_malloc(n) (ffsnn_any_ptr{calloc(1, (n))})
#define spin1_memcpy memcpy
#define RTE_SWERR 1
#define rt_error(x) abort()
