/* The child program's ELF file, embedded as bytes in the demo root task. */
    .section .rodata.child_image, "a"
    .balign 8
    .global demo_child_image
demo_child_image:
    .incbin CHILD_ELF
    .global demo_child_image_end
demo_child_image_end:
