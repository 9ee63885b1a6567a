// The header is the point of this target; libFuzzer itself comes with -sanitize=fuzzer.
#include "CFuzzerDriver.h"
