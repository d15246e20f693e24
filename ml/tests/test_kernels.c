#include "check.h"
void test_kernels(void) {}
