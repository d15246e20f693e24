/* A stand-in component program for the composer's tests: real riscv64 code with text, rodata,
 * data and bss, and a second thread entry, so segments, fills and symbols are exercised. */
const char greeting[] = "hello from a test component";
volatile unsigned long counter = 5;
static char scratch[6000];

void worker_entry(void)
{
    for (;;)
        counter++;
}

void _start(void)
{
    scratch[counter] = greeting[0];
    for (;;)
        counter += (unsigned long)scratch[0];
}
