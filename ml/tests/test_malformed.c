#include "check.h"
void test_malformed(const char *d) { (void)d; }
