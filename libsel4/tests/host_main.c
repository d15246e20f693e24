/* Host unit tests of libsel4: word packing, layouts, the extra boot info walker and the
 * marshalling of every invocation wrapper. Prints "libsel4-tests: N passed, M failed". */
#include "host_check.h"

int checks_passed, checks_failed;

int main(void)
{
    test_words();
    test_bootinfo_extra();
    test_marshalling();
    printf("libsel4-tests: %d passed, %d failed\n", checks_passed, checks_failed);
    return checks_failed != 0;
}
