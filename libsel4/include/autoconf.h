/* seL4 code includes the generated kernel configuration as <autoconf.h>. */
#pragma once

#include <sel4/config.h>
