/* uart_driver: placeholder until the real component lands. */
#include "lark_glue.h"
#include <lark/print.h>

int main(void)
{
    lark_printf("%s: started\n", LARK_COMPONENT_NAME);
    return 0;
}
