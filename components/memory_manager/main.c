/* memory_manager: owns all untyped memory once the root server is gone (kataos.md section 5). */
#include "lark_glue.h"
#include "memory_manager.h"
#include <lark/print.h>

int main(void)
{
    if (mm_boot() != 0) {
        lark_printf("memory_manager: stopped\n");
        return 1;
    }
    lark_printf("memory_manager: serving\n");
    mm_serve();
}
