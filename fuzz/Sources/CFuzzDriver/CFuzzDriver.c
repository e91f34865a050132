// Declarations only (include/CFuzzDriver.h); the definitions come from libFuzzer at link time.
#include "CFuzzDriver.h"
