// Include first in every kernel .cpp: turns off the contraction of a * b + c into one fused
// multiply-add, which -march=native would otherwise apply wherever the compiler likes. Float kernels
// then round each product and sum separately, as TFLite's reference kernels (and the WASM runtime)
// do, and the reference and fast variants round identically.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
