/* Links the model under test and the expected-output table into the program. Both files
 * stay in ../shared/models; the Makefile passes their paths as MODEL_FILE / EXPECTED_FILE. */
    .section .rodata.bench_blobs, "a"
    .balign 16
    .globl bench_model, bench_model_end
bench_model:
    .incbin MODEL_FILE
bench_model_end:
    .globl bench_expected, bench_expected_end
bench_expected:
    .incbin EXPECTED_FILE
bench_expected_end:
    .byte 0
